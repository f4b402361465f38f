def price(user, amount):
    return round(amount * 0.95, 2)


def banner(user):
    return "New, lower prices"
