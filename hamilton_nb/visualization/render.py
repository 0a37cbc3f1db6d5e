"""DOT text to pictures through whichever renderer this machine has.

Responsibilities:
- ``render(dot_source, format)``: DOT text to picture bytes through the first available
  renderer (system ``dot``, else the ``graphviz-pure`` wheel; see ``renderers``), with SVGs
  cached per source so re-displaying an unchanged DAG costs nothing;
- ``embeddable_svg``: SVG text ready to inline in HTML;
- ``format_for_path``: the picture format a file name asks for.

The object the Driver's picture methods return (a ``graphviz.Digraph``, with inline display
and the fallback to graphviz-pure) is ``digraph.DataflowDigraph``; it renders through here.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path

from hamilton_nb.errors import UnsupportedFormatError
from hamilton_nb.visualization.renderers import (
    DEFAULT_TIMEOUT,
    GRAPHVIZ_FORMATS,
    Renderer,
    check_engine,
    check_format,
    require_renderer,
)

SOURCE_FORMATS = frozenset({"dot", "gv"})  # written as the DOT text itself, no renderer needed
SUFFIX_FORMATS = {".jpg": "jpeg", ".jpe": "jpeg", ".gv": "dot"}
SVG_MIME = "image/svg+xml"
SVG_CACHE_BYTES = 64 * 1024 * 1024


class _SvgCache:
    """Rendered SVGs by (source digest, engine, renderer program), least recently used out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[bytes, str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[bytes, str, str]) -> bytes | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[bytes, str, str], data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            self._size += len(data) - (len(old) if old is not None else 0)
            self._entries[key] = data
            while self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


svg_cache = _SvgCache(SVG_CACHE_BYTES)


def render(
    dot_source: str,
    format: str = "svg",
    *,
    engine: str = "dot",
    timeout: float | None = DEFAULT_TIMEOUT,
    renderer: Renderer | None = None,
) -> bytes:
    """Lay out ``dot_source`` and return the picture in ``format`` as bytes.

    Uses ``renderer`` if given, else the system ``dot``, else graphviz-pure. SVG output is
    cached per (source, engine, renderer). Raises ``RendererNotFoundError`` when no renderer
    is installed, ``UnsupportedFormatError`` when it cannot write ``format`` and
    ``RenderError`` when it fails or exceeds ``timeout`` seconds.
    """
    if not isinstance(dot_source, str):
        raise TypeError(f"dot_source must be DOT text (str), not {type(dot_source).__name__}")
    fmt = check_format(format)
    check_engine(engine)
    chosen = renderer or require_renderer()
    key = (hashlib.blake2b(dot_source.encode("utf-8")).digest(), engine, chosen.executable)
    if fmt == "svg":
        cached = svg_cache.get(key)
        if cached is not None:
            return cached
    data = chosen.run(dot_source, fmt, engine=engine, timeout=timeout)
    if fmt == "svg":
        svg_cache.put(key, data)
    return data


def embeddable_svg(svg: bytes | str) -> str:
    """SVG text without the XML declaration, DOCTYPE and leading comments, for inline display."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The output format a file name asks for (``.svg`` -> ``svg``, ``.gv`` -> ``dot``).

    Raises ``UnsupportedFormatError`` when the suffix is missing or not a Graphviz format.
    """
    suffix = Path(path).suffix.lower()
    if suffix in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[suffix]
    if suffix[1:] not in GRAPHVIZ_FORMATS:
        raise UnsupportedFormatError(
            f"cannot tell the picture format of {os.fspath(path)!r} from its name; use a suffix "
            "such as .svg, .png, .pdf or .dot, or pass format='svg'"
        )
    return suffix[1:]
