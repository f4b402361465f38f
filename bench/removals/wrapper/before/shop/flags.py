from UnleashClient import UnleashClient

client = UnleashClient()


def new_checkout_on(user):
    return client.is_enabled("new_checkout", {"user": user})


def dark_mode_on(user):
    return client.is_enabled("dark_mode", {"user": user})
