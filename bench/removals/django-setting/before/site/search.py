from django.conf import settings


def search(query):
    if settings.FEATURE_NEW_SEARCH:
        return ["new", query]
    return ["old", query]
