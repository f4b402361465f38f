import enum
import os


class FeatureFlag(enum.Enum):
    SMS_SENDER = "SMS_SENDER_ENABLED"


def is_feature_enabled(flag):
    return os.getenv(flag.value, "False") == "True"
