"""A stand-in for django.conf: settings from the case's site/settings.py."""

import importlib


class _Settings:
    def __getattr__(self, name):
        return getattr(importlib.import_module("site_settings"), name)


settings = _Settings()
