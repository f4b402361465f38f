"""Build options. Not feature flags: these names only look like them."""

DONT_SHALLOW_CLONE = "dont_shallow_clone"
BUILD_OPTIONS = (
    (DONT_SHALLOW_CLONE, "Clone the whole history"),
    ("fast", "Fast build"),
)
