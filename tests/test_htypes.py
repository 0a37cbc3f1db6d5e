"""Type-compatibility rules of ``hamilton_nb.htypes`` as case tables.

``types_match(upstream, param)`` decides whether an edge is valid at build time;
``value_matches(value, annotation)`` checks an input value at execute time.
Where our rules are deliberately more lenient than Hamilton's ``htypes.types_match``
(generics compared by origin only, NewType reduced to its supertype), the case says so.
A union produced upstream fits only when every member fits, as in Hamilton.
"""

# The typing spellings (Optional, Union, List) are the subject under test, not style slips.
# ruff: noqa: UP006, UP007, UP035, UP045

from __future__ import annotations

import collections.abc
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, List, Literal, NewType, Optional, TypeVar, Union

import numpy as np
import pandas as pd
import pytest

from hamilton_nb import htypes
from hamilton_nb.htypes import Collect, Parallelizable, column


class Animal:
    pass


class Dog(Animal):
    pass


UserId = NewType("UserId", int)
Score = NewType("Score", float)
T = TypeVar("T")

# (upstream type, parameter type, compatible?)
EDGE_CASES = [
    # equality and subclasses
    (int, int, True),
    (Dog, Animal, True),
    (Animal, Dog, False),
    (bool, int, True),
    (int, bool, False),
    (int, float, False),  # no numeric tower: an int node cannot feed a float parameter
    (str, int, False),
    (pd.Series, pd.Series, True),
    (pd.DataFrame, pd.Series, False),
    (np.ndarray, np.ndarray, True),
    # wildcards
    (int, Any, True),
    (Any, int, True),
    (int, T, True),
    # Optional / Union on the parameter side
    (int, Optional[int], True),
    (type(None), Optional[int], True),
    (str, Optional[int], False),
    (int, Union[int, str], True),
    (str, Union[int, str], True),
    (float, Union[int, str], False),
    (int, int | str, True),
    (Dog, Union[Animal, str], True),
    # Union on the upstream side: every member must fit, as in Hamilton
    (Optional[int], int, False),
    (Union[int, str], int, False),
    (Union[int, str], Union[int, str, float], True),
    (Union[int, bool], int, True),
    (Union[int, str], float, False),
    (Union[int, str], Union[float, bytes], False),
    (Union[Union[int, str], bytes], Optional[Union[float, bytes]], False),
    (Union[Union[int, str], bytes], Optional[Union[int, str, bytes]], True),
    # generics compared by origin
    (list[int], list[int], True),
    (list[int], list[str], True),  # arguments are not compared
    (list[int], list, True),
    (list, list[int], True),
    (List[int], list, True),
    (dict[str, int], dict, True),
    (dict[str, int], Mapping[str, int], True),
    (list[int], Sequence[int], True),
    (list[int], Iterable[int], True),
    (list[int], dict[str, int], False),
    (tuple[int, ...], list[int], False),
    # Annotated and column reduce to their base type
    (column[pd.Series, int], pd.Series, True),
    (pd.Series, column[pd.Series, int], True),
    (column[pd.Series, int], pd.DataFrame, False),
    (Annotated[int, "meta"], int, True),
    (int, Annotated[int, "meta"], True),
    (Annotated[str, "meta"], Annotated[int, "meta"], False),
    # NewType reduces to its supertype (Hamilton says False both ways)
    (UserId, int, True),
    (int, UserId, True),
    (str, UserId, False),
    (UserId, Score, False),
    # special forms that isinstance cannot reason about are accepted
    (Literal["a"], str, True),
    (Callable[[int], int], Callable, True),
]


@pytest.mark.parametrize(("upstream", "param", "expected"), EDGE_CASES, ids=repr)
def test_types_match(upstream: Any, param: Any, expected: bool) -> None:
    assert htypes.types_match(upstream, param) is expected


# (value, annotation, fits?)
VALUE_CASES = [
    (1, int, True),
    (True, int, True),
    (1, float, False),
    (1.0, int, False),
    ("a", str, True),
    (Dog(), Animal, True),
    (Animal(), Dog, False),
    (object(), Any, True),
    (None, Any, True),
    (1, T, True),
    (None, Optional[int], True),
    (1, Optional[int], True),
    ("a", Optional[int], False),
    (None, int, False),
    ("a", Union[int, str], True),
    (1.0, Union[int, str], False),
    (1, int | None, True),
    ([1], list[int], True),
    ([1], list[str], True),  # element types are not checked
    ([1], dict, False),
    ([1], Sequence[int], True),
    ({"a": 1}, Mapping[str, int], True),
    ((1, 2), list[int], False),
    (pd.Series([1]), pd.Series, True),
    (pd.Series([1]), column[pd.Series, int], True),
    (pd.DataFrame({"a": [1]}), pd.Series, False),
    (np.float64(1.0), float, True),  # numpy's float64 subclasses float
    (np.int64(1), int, False),  # ... but int64 does not subclass int
    (1, UserId, True),
    ("a", UserId, False),
    (1, Annotated[int, "meta"], True),
    ("a", Annotated[int, "meta"], False),
    ([1, 2], Collect[int], True),
    ([1, 2], Parallelizable[int], True),
    (iter([1]), Parallelizable[int], True),
    (3, Collect[int], False),
    (3, Parallelizable[int], False),
    ("a", Literal["a"], True),
]


@pytest.mark.parametrize(("value", "annotation", "expected"), VALUE_CASES, ids=repr)
def test_value_matches(value: Any, annotation: Any, expected: bool) -> None:
    assert htypes.value_matches(value, annotation) is expected


@pytest.mark.parametrize(
    ("annotation", "parallelizable", "collect", "element"),
    [
        (Parallelizable[int], True, False, int),
        (Parallelizable, True, False, Any),
        (Collect[str], False, True, str),
        (Collect, False, True, Any),
        (list[int], False, False, int),
        (int, False, False, Any),
    ],
    ids=repr,
)
def test_parallel_markers(
    annotation: Any, parallelizable: bool, collect: bool, element: Any
) -> None:
    assert htypes.is_parallelizable(annotation) is parallelizable
    assert htypes.is_collect(annotation) is collect
    assert htypes.element_type(annotation) == element


def test_parallel_markers_are_iterables() -> None:
    assert issubclass(Parallelizable, collections.abc.Iterable)
    assert issubclass(Collect, collections.abc.Iterable)


@pytest.mark.parametrize(
    ("annotation", "base"),
    [
        (int, int),
        (Annotated[int, "x"], int),
        (UserId, int),
        (NewType("Nested", UserId), int),
        (Annotated[UserId, "x"], int),
        (column[pd.Series, float], pd.Series),
        (list[int], list[int]),
    ],
    ids=repr,
)
def test_base_type(annotation: Any, base: Any) -> None:
    assert htypes.base_type(annotation) == base


def test_column_needs_two_arguments() -> None:
    with pytest.raises(TypeError, match=r"column\[pd.Series, element_type\]"):
        column[pd.Series]  # noqa: B018


@pytest.mark.parametrize(
    ("annotation", "name"),
    [
        (int, "int"),
        (Dog, f"{__name__}.Dog"),
        (pd.Series, "pd.Series"),
        (pd.DataFrame, "pd.DataFrame"),
        (list[int], "list[int]"),
        (Optional[int], "Optional[int]"),
    ],
    ids=repr,
)
def test_type_name(annotation: Any, name: str) -> None:
    assert htypes.type_name(annotation) == name
