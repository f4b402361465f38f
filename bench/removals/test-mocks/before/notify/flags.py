from UnleashClient import UnleashClient

client = UnleashClient()


def accept_ids_enabled():
    return client.is_enabled("accept_ids")
