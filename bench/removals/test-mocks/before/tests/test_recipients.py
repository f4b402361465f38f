from unittest import mock

from notify.recipients import recipient


@mock.patch("notify.flags.accept_ids_enabled", return_value=True)
def test_by_id(enabled):
    assert recipient({"id": 7, "address": "a@b"}) == 7


@mock.patch("notify.flags.accept_ids_enabled", return_value=False)
def test_by_address(enabled):
    assert recipient({"id": 7, "address": "a@b"}) == "a@b"


def test_without_id():
    with mock.patch("notify.flags.accept_ids_enabled", return_value=True):
        assert recipient({"address": "a@b"}) == "a@b"
