"""Runtime toggles, set from the environment at start-up."""

import os


class Toggle:
    def __init__(self, name, default=False):
        self.name = name
        self.enabled = os.environ.get(f"TOGGLE_{name.upper()}", str(default)) == "True"

    def __repr__(self):
        return f"Toggle({self.name!r}, enabled={self.enabled})"


STRICT_AUTH = Toggle("strict_auth")

ALL = [
    STRICT_AUTH,
]


def describe():
    return {toggle.name: toggle.enabled for toggle in ALL}
