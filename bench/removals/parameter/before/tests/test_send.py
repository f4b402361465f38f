from mail.send import send


def test_send():
    assert send("ada") == "<b>ada</b>"
