"""Hamilton's public type helpers (``htypes.custom_subclass_check``, ``check_input_type``, ...)
give Hamilton's answers on a table of (type, type) and (type, value) cases."""

from __future__ import annotations

from .conftest import same

TABLE = """
import collections, collections.abc as cabc, typing
from typing import Any, Annotated, Callable, Dict, Generic, Iterable, List, Literal, Mapping
from typing import NewType, Optional, Sequence, Set, Tuple, Union
import pandas as pd
import hamilton.driver  # Hamilton registers its dataframe types when the driver is imported
from hamilton import htypes as h

class Base: pass
class Sub(Base): pass
class Box(Generic[typing.T]): pass
N = NewType("N", int)
P, C = h.Parallelizable, h.Collect
TYPES = [int, float, bool, str, Any, object, Base, Sub, list, list[int], list[str], List[int],
         List, dict, dict[str, int], Dict[str, int], Dict, tuple, tuple[int, ...],
         Tuple[int, str], set, set[int], Set[int], cabc.Sequence, Sequence[int], Iterable[int],
         cabc.Iterable, Union[int, str], int | str, Optional[int], Optional[list[int]],
         Annotated[int, "x"], Annotated[pd.Series, int], Annotated[pd.Series, int, str],
         Annotated[pd.Series, list], Literal[1, 2], Literal["a"], Callable[[int], int],
         Callable, P[int], P, C[int], C[list[int]], Box, Box[int], N, typing.T, type[int],
         pd.DataFrame, pd.Series, Mapping[str, int]]
VALUES = [1, 1.5, True, "s", None, [1, 2], ["a"], [], (1, "a"), (), {1, 2}, set(), {"a": 1},
          {"a": "b"}, {}, collections.OrderedDict(a=1), Sub(), Base(), pd.Series([1]),
          pd.DataFrame({"a": [1]}), range(3), [[1]], b"x"]

def answer(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:
        return "raises " + type(exc).__name__

def name(tp):
    return str(tp).replace("hamilton_nb.", "hamilton.")

for i, a in enumerate(TYPES):
    emit(f"as string {i}", answer(h.get_type_as_string, a))
    emit(f"information {i}", name(answer(h.get_type_information, a)))
    emit(f"parallelizable {i}", answer(h.is_parallelizable_type, a))
    emit(f"valid annotation {i}", answer(lambda t: h.validate_type_annotation(t) in (True, None), a))
    emit(f"subclass {i}", [answer(h.custom_subclass_check, a, b) for b in TYPES])
    emit(f"input {i}", [answer(h.check_input_type, a, v) for v in VALUES])
    # check_instance: Hamilton raises IndexError for a dict checked against a one-argument
    # generic (Iterable[int]); we answer False (see docs/compatibility.md).
    emit(f"instance {i}", [answer(h.check_instance, v, a) for v in VALUES if not (a == Iterable[int] and isinstance(v, dict) and v)])
emit("constants", [h.ANNOTATE_ALLOWED, repr(h.BASE_ARGS_FOR_GENERICS)])
emit("exception", issubclass(h.InvalidTypeException, Exception))  # ours is a TypeError too
"""


def test_type_helpers_answer_like_hamilton(in_both) -> None:
    ours, theirs = in_both(TABLE)
    same(ours, theirs)
    assert len(theirs) > 200  # the table really ran
