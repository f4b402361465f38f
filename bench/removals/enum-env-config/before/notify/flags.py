import os
from enum import Enum


class FeatureFlag(Enum):
    EMAIL_RETRY_ENABLED = "EMAIL_RETRY_ENABLED"
    SMS_BATCHING_ENABLED = "SMS_BATCHING_ENABLED"


DEFAULTS = {
    FeatureFlag.EMAIL_RETRY_ENABLED: "False",
    FeatureFlag.SMS_BATCHING_ENABLED: "True",
}


def is_feature_enabled(flag):
    return os.getenv(flag.value, DEFAULTS[flag]) == "True"
