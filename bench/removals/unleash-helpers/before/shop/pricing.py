from shop.features import legacy_pricing, new_pricing_enabled


def price(user, amount):
    if new_pricing_enabled(user):
        return round(amount * 0.95, 2)
    return _legacy_price(amount)


def _legacy_price(amount):
    return amount


def banner(user):
    if legacy_pricing(user):
        return "Prices as always"
    return "New, lower prices"
