class _Holder:
    def __init__(self, name, default):
        self.name = name
        self.value = default


def bool_state(name, default=False):
    return _Holder(name, default)


fast_path = bool_state(name="proj_fast_path", default=True)
debug_nans = bool_state(name="proj_debug_nans")
