"""The text inside the DAG's nodes, as Graphviz HTML-like labels.

Responsibilities:
- ``html``: escape user text (names, display names, types, config values) for HTML-like labels.
- Labels of a node (name or ``display_name`` tag, type, config value, ``@schema.output``
  fields, duration, note), of a collapsed group and of an input table.
- Short forms: type names without module noise, config values cut to a readable length,
  durations in the unit that suits them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from hamilton_nb import htypes
from hamilton_nb.node import Node
from hamilton_nb.visualization import styles

MAX_ROWS = 8  # rows of an input table or schema shown before "… N more"


def html(text: Any) -> str:
    """``text`` escaped for a Graphviz HTML-like label (``& < > "``; control characters dropped)."""
    cleaned = "".join(c for c in str(text) if c >= " " or c == "\t")
    return (
        cleaned.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def small(text: str, size: int = 9, face: str | None = None) -> str:
    """Already escaped ``text`` in a smaller font."""
    face_attr = f' face="{face}"' if face else ""
    return f'<font point-size="{size}"{face_attr}>{text}</font>'


_SHORT_MODULES = (("typing.", ""), ("pandas.", "pd."), ("numpy.", "np."))
_MODULE_PATH = re.compile(r"\b(?:[A-Za-z_]\w*\.){2,}(?=[A-Za-z_]\w*)")


def short_type_name(tp: Any, limit: int = 48) -> str:
    """``htypes.type_name`` with long module paths dropped (``pkg.mod.Cls`` -> ``Cls``; ``pd.``
    and ``np.`` kept), cut to ``limit`` characters."""
    name = _MODULE_PATH.sub("", htypes.type_name(tp).replace("hamilton_nb.htypes.", ""))
    for long, short in _SHORT_MODULES:
        name = name.replace(long, short)
    return name if len(name) <= limit else name[: limit - 1] + "…"


def short_value(value: Any, limit: int = 40) -> str:
    """``repr(value)`` on one line, cut to ``limit`` characters (config values)."""
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not break the picture
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_duration(seconds: float) -> str:
    """``850 µs``, ``12.3 ms``, ``1.52 s``, ``2 min 5 s``."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    if seconds < 60:
        return f"{seconds:.3g} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:.0f} min {rest:.0f} s"


def type_label(node: Node, kind: str) -> str:
    """The type line of a node: the adapter class for loaders/savers, else the type's name."""
    if kind == styles.SAVER:
        return str(node.tags.get(f"{styles.SAVER_TAG}.classname", "saver"))
    if kind == styles.LOADER:
        return str(node.tags.get(f"{styles.LOADER_TAG}.classname", "loader"))
    return short_type_name(node.type)


def schema_fields(node: Node) -> list[tuple[str, str]]:
    """``[(field, type)]`` from the ``@schema.output`` tag (``"age=int,name=str"``)."""
    raw = node.tags.get(styles.SCHEMA_TAG)
    if not isinstance(raw, str) or not raw.strip():
        return []
    fields = []
    for part in raw.split(","):
        name, _, field_type = part.partition("=")
        fields.append((name.strip(), field_type.strip()))
    return fields


def node_label(
    node: Node,
    kind: str,
    config: Mapping[str, Any],
    show_schema: bool,
    extra: Iterable[str] = (),
) -> str:
    """Bold name (or ``display_name`` tag), then the type (the value for config nodes), the
    schema fields when ``show_schema``, then ``extra`` lines (already escaped)."""
    title = node.tags.get(styles.DISPLAY_NAME_TAG) or node.name
    lines = [f"<b>{html(title)}</b>"]
    if kind == styles.CONFIG:
        lines.append(small("= " + html(short_value(config.get(node.name))), 10))
    else:
        lines.append(small(f"<i>{html(type_label(node, kind))}</i>", 10))
    if show_schema:
        fields = schema_fields(node)
        lines.extend(small(f"{html(f)}: {html(t)}", 9, "Courier") for f, t in fields[:MAX_ROWS])
        if len(fields) > MAX_ROWS:
            lines.append(small(f"… {len(fields) - MAX_ROWS} more fields"))
    lines.extend(extra)
    return "<br/>".join(lines)


def extra_lines(seconds: float | None, note: str | None) -> list[str]:
    """A duration line and a note line, when given."""
    lines = []
    if seconds is not None:
        lines.append(small(format_duration(seconds)))
    if note:
        lines.append(small(html(note)))
    return lines


def group_label(
    title: str,
    size: int,
    group_kind: str,
    kind_counts: Mapping[str, int],
    status_counts: Mapping[str, int] | None = None,
    seconds: float = 0.0,
) -> str:
    """A collapsed group: its name, how many nodes it holds, the special kinds among them and,
    in the execution overlay, their statuses and total time."""
    lines = [f"<b>{html(title)}</b>", f"{size} nodes ({html(group_kind)})"]
    special = [
        f"{n} {styles.legend_label(k)}" for k, n in kind_counts.items() if k != styles.FUNCTION
    ]
    if special:
        lines.append(small(html(", ".join(special))))
    if status_counts:
        summary = ", ".join(f"{n} {styles.legend_label(s)}" for s, n in status_counts.items())
        lines.append(small(html(summary)))
    if seconds:
        lines.append(small(format_duration(seconds)))
    return "<br/>".join(lines)


def input_table(rows: list[tuple[str, Any, bool]]) -> str:
    """A table of ``(input name, type, optional)`` rows, at most ``MAX_ROWS`` of them."""
    cells = []
    for name, input_type, optional in rows[:MAX_ROWS]:
        marker = " " + small("(optional)") if optional else ""
        cells.append(
            f'<tr><td align="left">{html(name)}{marker}</td>'
            f'<td align="left"><i>{html(short_type_name(input_type))}</i></td></tr>'
        )
    if len(rows) > MAX_ROWS:
        cells.append(f'<tr><td colspan="2">… {len(rows) - MAX_ROWS} more</td></tr>')
    return (
        '<table border="0" cellborder="0" cellspacing="0" cellpadding="2">'
        + "".join(cells)
        + "</table>"
    )
