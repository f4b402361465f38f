from UnleashClient import UnleashClient

client = UnleashClient()


def send(user):
    return render(user, rich=client.is_enabled("rich_emails"))


def render(user, rich=False):
    if rich:
        return f"<b>{user}</b>"
    return user
