from unittest import mock

from shop import pricing
from shop.checkout import total
from shop.prefs import Preferences

USER = {"id": 7}


def test_new_price():
    with mock.patch("shop.pricing.new_pricing_enabled", return_value=True):
        assert pricing.price(USER, 100) == 95.0


def test_total_steps():
    with mock.patch("shop.pricing.new_pricing_enabled", return_value=True):
        assert total(USER, [100]) == {"amount": 95.0, "steps": 3}


def test_preferences_are_not_toggles():
    prefs = Preferences()
    prefs.set("new-pricing", False)
    assert prefs.get("new-pricing") is False
