from notify.flags import accept_ids_enabled


def recipient(message):
    if accept_ids_enabled():
        return message.get("id") or message["address"]
    return message["address"]
