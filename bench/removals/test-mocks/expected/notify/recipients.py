def recipient(message):
    return message.get("id") or message["address"]
