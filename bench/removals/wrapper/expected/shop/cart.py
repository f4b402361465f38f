def total(cart, user):
    return sum(cart) * 0.9
