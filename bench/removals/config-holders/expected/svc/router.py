from svc import toggles


def route(path):
    return _trie_route(path)


def _trie_route(path):
    return ("trie", path.strip("/").split("/"))


def strict(path):
    if toggles.STRICT_AUTH.enabled:
        return path.startswith("/secure")
    return False
