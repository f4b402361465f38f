def search(query):
    return ["new", query]
