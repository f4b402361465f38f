from UnleashClient import UnleashClient

client = UnleashClient()
