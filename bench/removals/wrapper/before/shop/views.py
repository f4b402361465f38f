from shop.flags import dark_mode_on, new_checkout_on


def page(user):
    theme = "dark" if dark_mode_on(user) else "light"
    button = "Pay now" if new_checkout_on(user) else "Checkout"
    return theme, button
