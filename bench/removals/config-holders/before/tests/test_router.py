from svc import router, toggles


def test_route():
    assert router.route("/a/b") == ("trie", ["a", "b"])


def test_describe():
    assert toggles.describe()["strict_auth"] is False
