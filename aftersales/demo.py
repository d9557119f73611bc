"""Demo placeholder."""


def load():
    return None
