from notify.status import Channel


def send(message, attempts):
    for attempt in range(attempts):
        if _deliver(message, attempt):
            return attempt
        break
    return None


def _deliver(message, attempt):
    return message.get("ok_after", 0) <= attempt


def channels():
    return [Channel.EMAIL_RETRY_ENABLED.value, Channel.SMS.value]
