"""flaglint: a feature-flag lifecycle linter for Python code bases."""

__version__ = "0.2.0"
