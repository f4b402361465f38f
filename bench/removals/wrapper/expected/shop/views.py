from shop.flags import dark_mode_on


def page(user):
    theme = "dark" if dark_mode_on(user) else "light"
    button = "Pay now"
    return theme, button
