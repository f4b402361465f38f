import os
from enum import Enum


class FeatureFlag(Enum):
    SMS_RATE_LIMIT_ENABLED = 'SMS_RATE_LIMIT_ENABLED'
    PUSH_ENABLED = 'PUSH_ENABLED'


def is_feature_enabled(feature_flag):
    return isinstance(feature_flag, FeatureFlag) and \
        os.getenv(feature_flag.value, 'False') == 'True'
