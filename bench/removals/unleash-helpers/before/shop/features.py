"""Feature toggles, read through Unleash."""

from UnleashClient import UnleashClient

client = UnleashClient(url="https://unleash.example.com/api", app_name="shop")


def new_pricing_enabled(user):
    enabled = client.is_enabled("new-pricing", {"userId": user["id"]})
    return enabled


def legacy_pricing(user):
    return not client.is_enabled("new-pricing", {"userId": user["id"]})


def quick_checkout_enabled(user):
    return client.is_enabled("quick-checkout", {"userId": user["id"]})
