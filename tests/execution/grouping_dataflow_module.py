"""A dataflow with a failing node, as a real module file (process executors import it)."""


class NodeFailed(Exception):
    """A user's own exception class."""


def x_plus(x: int) -> int:
    return x + 1


def fails(x_plus: int) -> int:
    raise NodeFailed(f"bad value {x_plus}")


def after_fail(fails: int) -> int:
    return fails
