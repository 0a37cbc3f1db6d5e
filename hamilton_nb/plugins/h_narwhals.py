"""narwhals: write nodes once against narwhals, run them on pandas or polars data, at
Hamilton's ``hamilton.plugins.h_narwhals`` path.

- ``NarwhalsAdapter``: calls every node through ``narwhals.narwhalify``: DataFrame and Series
  arguments arrive as narwhals objects and narwhals results leave as the native (pandas,
  polars, ...) objects; other values pass through. A node's ``nw_kwargs`` tag (e.g.
  ``@tag(nw_kwargs=["eager_only"])``) lists flags set to True for ``narwhalify``.
- ``NarwhalsDataFrameResultBuilder``: turns narwhals outputs into native ones, then builds
  the result with the result builder it wraps.

Importing this module checks that narwhals is installed (``pip install narwhals``) but does
not import it.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from hamilton_nb import errors
from hamilton_nb.lifecycle.api import NodeExecutionMethod, ResultBuilder

if importlib.util.find_spec("narwhals") is None:
    raise errors.MissingDependencyError(
        "hamilton_nb.plugins.h_narwhals needs narwhals: pip install narwhals"
    )

NW_KWARGS_TAG = "nw_kwargs"


def _flags(node_name: str, tags: dict[str, Any]) -> dict[str, bool]:
    flags = tags.get(NW_KWARGS_TAG) or []
    if isinstance(flags, str):
        flags = [flags]
    if not all(isinstance(flag, str) for flag in flags):
        raise errors.InvalidDecoratorError(
            f"node {node_name!r}: tag {NW_KWARGS_TAG!r} lists narwhalify flags by name, e.g. "
            f"@tag({NW_KWARGS_TAG}=['eager_only']); got {flags!r}."
        )
    return {flag: True for flag in flags}


class NarwhalsAdapter(NodeExecutionMethod):
    """Run each node through ``narwhals.narwhalify`` (see the module docstring)."""

    def run_to_execute_node(
        self,
        *,
        node_name: str,
        node_tags: dict[str, Any],
        node_callable: Any,
        node_kwargs: dict[str, Any],
        task_id: str | None = None,
        **future_kwargs: Any,
    ) -> Any:
        import narwhals as nw

        wrapped = nw.narwhalify(node_callable, **_flags(node_name, node_tags))
        return wrapped(**node_kwargs)


class NarwhalsDataFrameResultBuilder(ResultBuilder):
    """Unwrap narwhals outputs to native objects, then build with ``result_builder``
    (e.g. ``base.PandasDataFrameResult()`` or ``h_polars.PolarsDataFrameResult()``)."""

    def __init__(self, result_builder: ResultBuilder) -> None:
        if not callable(getattr(result_builder, "build_result", None)):
            raise errors.AdapterError(
                f"NarwhalsDataFrameResultBuilder wraps a result builder (an object with "
                f"build_result), got {result_builder!r}."
            )
        self.result_builder = result_builder

    def build_result(self, **outputs: Any) -> Any:
        import narwhals as nw

        native = {name: nw.to_native(value, pass_through=True) for name, value in outputs.items()}
        return self.result_builder.build_result(**native)

    def output_type(self) -> type:
        output_type = getattr(self.result_builder, "output_type", None)
        return output_type() if callable(output_type) else Any

    def input_types(self) -> list[type]:
        return [Any]


__all__ = ["NarwhalsAdapter", "NarwhalsDataFrameResultBuilder"]
