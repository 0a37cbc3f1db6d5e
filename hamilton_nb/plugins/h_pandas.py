"""``@with_columns`` for pandas, at Hamilton's ``hamilton.plugins.h_pandas`` path.

pandas is imported only when a decorated function is built into a graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hamilton_nb.plugins._with_columns import with_columns_base


class with_columns(with_columns_base):  # noqa: N801 - Hamilton's public name
    """Compute columns of a ``pd.DataFrame`` with functions and append them to it.

    ``@with_columns(*functions_or_modules, columns_to_pass=[...] | on_input="param",
    select=[...], namespace=None, config_required=None)`` on ``def f(df: pd.DataFrame) ->
    pd.DataFrame``: the functions run on the DataFrame's columns (``columns_to_pass``; the
    DataFrame is the first parameter) or on the DataFrame itself (``on_input`` names the
    parameter, and the functions take it under that name). The ``select``ed results (all of
    them by default) are assigned as columns, replacing columns of the same name, and that new
    DataFrame is what ``f`` receives. The nodes are named ``<namespace>.<function>`` (the
    namespace is ``f``'s name unless given), plus ``<namespace>._append``.
    """

    library = "pandas"

    @staticmethod
    def merge(frame: Any, columns: Mapping[str, Any]) -> Any:
        return frame.assign(**columns)


__all__ = ["with_columns"]
