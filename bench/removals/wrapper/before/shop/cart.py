from shop.flags import new_checkout_on


def total(cart, user):
    if new_checkout_on(user):
        return sum(cart) * 0.9
    return legacy_total(cart)


def legacy_total(cart):
    return sum(cart)
