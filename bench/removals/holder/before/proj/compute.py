from proj import config


def run(x):
    if config.fast_path.value:
        return x * 2
    return x + x
