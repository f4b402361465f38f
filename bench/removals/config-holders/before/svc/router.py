from svc import toggles


def route(path):
    if toggles.NEW_ROUTER.enabled:
        return _trie_route(path)
    return _regex_route(path)


def _trie_route(path):
    return ("trie", path.strip("/").split("/"))


def _regex_route(path):
    import re

    return ("regex", re.split(r"/+", path.strip("/")))


def strict(path):
    if toggles.STRICT_AUTH.enabled:
        return path.startswith("/secure")
    return False
