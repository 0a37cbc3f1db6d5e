"""Result builders and the legacy graph adapters (Hamilton's ``base`` module).

``DictResult`` returns outputs as a dict; ``PandasDataFrameResult`` joins Series, scalars and
DataFrames (columns prefixed ``output.column``) into one frame. pandas is imported only when a
DataFrame result is actually built.
"""

from __future__ import annotations

import logging
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.lifecycle import api

logger = logging.getLogger(__name__)


class ResultMixin(api.ResultBuilder):
    """Legacy base of result builders: a static ``build_result(**outputs)``."""

    @staticmethod
    def build_result(**outputs: Any) -> Any:  # type: ignore[override]
        raise errors.HamiltonNBError(
            "ResultMixin subclasses must define build_result(**outputs) as a staticmethod."
        )


class DictResult(ResultMixin):
    """``execute`` returns ``{output_name: value}``."""

    @staticmethod
    def build_result(**outputs: Any) -> dict[str, Any]:
        return outputs

    def output_type(self) -> type:
        return dict


def _index_kind(value: Any) -> str | None:
    index = getattr(value, "index", None)
    if index is None or not hasattr(value, "dtype") and not hasattr(value, "columns"):
        return None
    return f"{type(index).__name__}:{index.dtype}"


def _index_kinds(outputs: dict[str, Any]) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for name, value in outputs.items():
        kind = _index_kind(value)
        if kind is not None:
            kinds.setdefault(kind, []).append(name)
    return kinds


class PandasDataFrameResult(ResultMixin):
    """``execute`` returns one ``pd.DataFrame`` built from the outputs.

    A single DataFrame is returned as is; DataFrames among several outputs contribute their
    columns as ``output.column``; scalars are broadcast; only scalars give a one-row frame.
    Outputs with different index types are joined anyway, with a logged warning.
    """

    @staticmethod
    def build_result(**outputs: Any) -> Any:
        import pandas as pd

        kinds = _index_kinds(outputs)
        if len(kinds) > 1:
            logger.warning("outputs have different index types and will be outer-joined: %s", kinds)
        if len(outputs) == 1:
            (value,) = outputs.values()
            if isinstance(value, pd.DataFrame):
                return value
        if not kinds:
            if all(_is_scalar(v) for v in outputs.values()):
                return pd.DataFrame(outputs, index=[0])
        columns: dict[str, Any] = {}
        for name, value in outputs.items():
            if isinstance(value, pd.DataFrame):
                for column in value.columns:
                    columns[f"{name}.{column}"] = value[column]
            else:
                columns[name] = value
        try:
            return pd.DataFrame(columns)
        except (ValueError, TypeError) as exc:
            described = ", ".join(f"{k}: {htypes.type_name(type(v))}" for k, v in outputs.items())
            raise errors.ExecutionError(
                f"cannot build a DataFrame from the outputs ({described}): {exc}. "
                "Request Series/scalars/DataFrames only, or build the driver with "
                "Builder().with_adapters(base.DictResult()) to get a dict."
            ) from exc

    def output_type(self) -> type:
        import pandas as pd

        return pd.DataFrame


class StrictIndexTypePandasDataFrameResult(PandasDataFrameResult):
    """Like ``PandasDataFrameResult`` but raises when the outputs' index types differ."""

    @staticmethod
    def build_result(**outputs: Any) -> Any:
        kinds = _index_kinds(outputs)
        if len(kinds) > 1:
            detail = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in kinds.items())
            raise errors.ExecutionError(
                f"outputs have different pandas index types ({detail}). "
                "Give them the same index type, or use PandasDataFrameResult to join anyway."
            )
        return PandasDataFrameResult.build_result(**outputs)


class NumpyMatrixResult(ResultMixin):
    """``execute`` returns a ``numpy.matrix`` with one column per output, as Hamilton does."""

    @staticmethod
    def build_result(**outputs: Any) -> Any:
        import numpy as np

        lengths = {k: (len(v) if hasattr(v, "__len__") else 1) for k, v in outputs.items()}
        rows = max(lengths.values(), default=0)
        bad = {k: n for k, n in lengths.items() if n not in (1, rows)}
        if bad:
            raise errors.ExecutionError(
                f"NumpyMatrixResult needs outputs of one length ({rows}) or scalars; got {bad}."
            )
        return np.asmatrix(
            np.column_stack(
                [
                    np.full(rows, v) if lengths[k] == 1 and rows != 1 else np.asarray(v)
                    for k, v in outputs.items()
                ]
            )
        )


def _is_scalar(value: Any) -> bool:
    return not hasattr(value, "__len__") or isinstance(value, (str, bytes))


class SimplePythonGraphAdapter(api.GraphAdapter):
    """Legacy adapter: plain calls, the standard type checks, and a result builder
    (``DictResult`` unless given one, as in Hamilton)."""

    def __init__(self, result_builder: api.ResultBuilder | None = None) -> None:
        self.result_builder = result_builder or DictResult()

    @staticmethod
    def check_input_type(node_type: Any, input_value: Any) -> bool:
        return htypes.value_matches(input_value, node_type)

    @staticmethod
    def check_node_type_equivalence(node_type: Any, input_type: Any) -> bool:
        return htypes.types_match(input_type, node_type)

    def execute_node(self, node: Any, kwargs: dict[str, Any]) -> Any:
        return node.callable(**kwargs)

    execute_node.plain_call = True  # type: ignore[attr-defined]  # lets the engine skip it

    def build_result(self, **outputs: Any) -> Any:  # type: ignore[override]
        return self.result_builder.build_result(**outputs)


class SimplePythonDataFrameGraphAdapter(SimplePythonGraphAdapter):
    """Legacy adapter returning a DataFrame (the legacy ``Driver``'s default)."""

    def __init__(self) -> None:
        super().__init__(PandasDataFrameResult())


HamiltonGraphAdapter = api.GraphAdapter
DefaultAdapter = SimplePythonGraphAdapter
