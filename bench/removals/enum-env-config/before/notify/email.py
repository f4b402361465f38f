from notify.flags import FeatureFlag, is_feature_enabled
from notify.status import Channel


def send(message, attempts):
    for attempt in range(attempts):
        if _deliver(message, attempt):
            return attempt
        if not is_feature_enabled(FeatureFlag.EMAIL_RETRY_ENABLED):
            break
    return None


def _deliver(message, attempt):
    return message.get("ok_after", 0) <= attempt


def channels():
    return [Channel.EMAIL_RETRY_ENABLED.value, Channel.SMS.value]
