def total(cart):
    return sum(cart) * 0.9
