from app.feature_flags import FeatureFlag, is_feature_enabled


def deliver(sender):
    if sender.get('rate_limit'):
        return 'rate-limited'
    return 'plain'


def push(message):
    if not is_feature_enabled(FeatureFlag.PUSH_ENABLED):
        raise RuntimeError('push is off')
    return message
