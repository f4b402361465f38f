"""Feature toggles, read through Unleash."""

from UnleashClient import UnleashClient

client = UnleashClient(url="https://unleash.example.com/api", app_name="shop")


def quick_checkout_enabled(user):
    return client.is_enabled("quick-checkout", {"userId": user["id"]})
