from notify import email


def test_no_retry():
    assert email.send({"ok_after": 2}, attempts=3) is None


def test_first_try():
    assert email.send({"ok_after": 0}, attempts=3) == 0


def test_channels():
    assert email.channels() == ["email-retry", "sms"]
