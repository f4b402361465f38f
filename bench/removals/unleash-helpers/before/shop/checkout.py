from shop.features import quick_checkout_enabled
from shop.pricing import price


def total(user, amounts):
    amount = sum(price(user, a) for a in amounts)
    if quick_checkout_enabled(user):
        return {"amount": amount, "steps": 1}
    return {"amount": amount, "steps": 3}
