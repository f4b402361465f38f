from app.flags import FeatureFlag, is_feature_enabled


def recipient(notification):
    if is_feature_enabled(FeatureFlag.ACCEPT_IDS):
        return notification["id"]
    return notification["address"]


def sender():
    return "sms" if is_feature_enabled(FeatureFlag.SMS_SENDER) else "email"
