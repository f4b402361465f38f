class Preferences:
    """A user's settings. Their names are not feature toggles."""

    def __init__(self):
        self.values = {}

    def set(self, name, value):
        self.values[name] = value

    def get(self, name, default=None):
        return self.values.get(name, default)
