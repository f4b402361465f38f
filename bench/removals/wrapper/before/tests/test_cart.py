from shop.cart import total


def test_total_discounts():
    assert total([10, 10], "u") == 18
