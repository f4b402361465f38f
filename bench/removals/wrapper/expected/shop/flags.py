from UnleashClient import UnleashClient

client = UnleashClient()


def dark_mode_on(user):
    return client.is_enabled("dark_mode", {"user": user})
