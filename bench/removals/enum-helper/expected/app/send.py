from app.flags import FeatureFlag, is_feature_enabled


def recipient(notification):
    return notification["id"]


def sender():
    return "sms" if is_feature_enabled(FeatureFlag.SMS_SENDER) else "email"
