from app.send import recipient


def test_recipient_by_id():
    assert recipient({"id": 1, "address": "a@b"}) == 1
