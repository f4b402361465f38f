"""A stand-in for the Unleash SDK, so that the cases' tests run offline."""


class UnleashClient:
    def __init__(self, *args, **kwargs):
        pass

    def is_enabled(self, key, context=None, fallback_function=None):
        return False
