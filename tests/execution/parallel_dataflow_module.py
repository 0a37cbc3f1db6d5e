"""A dataflow with parallel blocks, imported by ``test_parallel.py`` as a real module file.

Blocks: ``numbers`` (shared upstream ``offset``, two Collects), ``rescaled`` (a second block
after the first one's Collect) and ``groups`` (a block nesting the block ``members``).
"""

from __future__ import annotations

import os
import threading

from hamilton_nb.htypes import Collect, Parallelizable


def offset(base: int) -> int:
    return base * 100


def numbers(n: int) -> Parallelizable[int]:
    yield from range(n)


def squared(numbers: int, offset: int) -> int:
    return numbers * numbers + offset


def labelled(squared: int, numbers: int, suffix: str = "") -> str:
    return f"{numbers}:{squared}{suffix}"


def where(numbers: int) -> tuple:
    return (os.getpid(), threading.get_ident())


def total(squared: Collect[int]) -> int:
    return sum(squared)


def labels(labelled: Collect[str], offset: int) -> list:
    return [f"{offset}/{label}" for label in labelled]


def wheres(where: Collect[tuple]) -> list:
    return list(where)


def rescaled(total: int) -> Parallelizable[int]:
    return [total + i for i in range(3)]


def halved(rescaled: int) -> float:
    return rescaled / 2


def halves(halved: Collect[float]) -> list:
    return list(halved)


def groups(n: int) -> Parallelizable[list]:
    return [list(range(i)) for i in range(n)]


def members(groups: list) -> Parallelizable[int]:
    return groups


def member_cost(members: int, offset: int) -> int:
    return members + offset


def group_cost(member_cost: Collect[int]) -> int:
    return sum(member_cost)


def group_costs(group_cost: Collect[int]) -> list:
    return list(group_cost)
