def send(user):
    return render(user)


def render(user):
    return f"<b>{user}</b>"
