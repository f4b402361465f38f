from enum import Enum


class Channel(Enum):
    """Delivery channels; not feature flags, though one member is named alike."""

    EMAIL_RETRY_ENABLED = "email-retry"
    SMS = "sms"
