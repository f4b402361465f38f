import enum
import os


class FeatureFlag(enum.Enum):
    ACCEPT_IDS = "ACCEPT_IDS_ENABLED"
    SMS_SENDER = "SMS_SENDER_ENABLED"


def is_feature_enabled(flag):
    return os.getenv(flag.value, "False") == "True"
