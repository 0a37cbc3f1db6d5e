"""DOT text to pictures, and the object that shows a DAG in a notebook.

Responsibilities:
- ``render(dot_source, format)``: DOT text to picture bytes through the first available
  renderer (system ``dot``, else the ``graphviz-pure`` wheel; see ``renderers``), with SVGs
  cached per source so re-displaying an unchanged DAG costs nothing;
- ``GraphView``: what the visualization functions return. Lazy (nothing runs until it is shown
  or saved); rich display as ``image/svg+xml`` for JupyterLab, Notebook 7 and VS Code; atomic
  saves whose format comes from the file suffix; the ``graphviz.Digraph`` conveniences
  Hamilton users call (``source``, ``format``, ``pipe``, ``render``, ``view``);
- with no renderer at all, or when the renderer fails, display the DOT source under a one-line
  explanation instead of raising; saving and piping still raise ``RenderError``.
"""

from __future__ import annotations

import hashlib
import html
import os
import subprocess
import sys
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from hamilton_nb.errors import RendererNotFoundError, RenderError, UnsupportedFormatError
from hamilton_nb.files import write_atomically
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


def open_in_viewer(path: Path) -> None:
    """Open ``path`` with the desktop's default application, without waiting for it."""
    opener = {"win32": "os.startfile", "darwin": "open"}.get(sys.platform, "xdg-open")
    try:
        if sys.platform == "win32":
            os.startfile(path)  # type: ignore[attr-defined]
            return
        subprocess.Popen(
            [opener, os.fspath(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise RenderError(
            f"cannot open a viewer for {str(path)!r}: {opener!r} failed ({exc.strerror or exc}); "
            "open the file yourself"
        ) from exc


class GraphView:
    """A DAG picture described by DOT text; renders lazily, displays inline, saves by suffix.

    ``GraphView(source)`` does no work. Showing it in a notebook renders SVG (cached per
    source); ``save("dag.png")`` writes a file atomically; ``pipe("svg")`` returns bytes. It
    also answers the ``graphviz.Digraph`` calls made on what Hamilton returns: ``source``,
    ``format`` (default ``"svg"``, where graphviz defaults to ``"pdf"``), ``engine``,
    ``pipe``, ``render`` and ``view``. ``to_graphviz()`` gives a real ``graphviz.Source``.
    ``timeout`` bounds each renderer run in seconds (``None``: no limit); the renderer process
    is killed when it expires.
    """

    def __init__(
        self,
        source: str,
        *,
        format: str = "svg",
        engine: str = "dot",
        filename: str = "Digraph.gv",
        directory: str | os.PathLike[str] = "",
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if not isinstance(source, str):
            raise TypeError(f"GraphView needs DOT text (str), not {type(source).__name__}")
        self._source = source
        self.format = format
        self.engine = engine
        self.filename = filename
        self.directory = directory
        self.timeout = timeout
        self._display_failure: tuple[str | None, RenderError] | None = None

    # -- the graphviz-compatible surface ----------------------------------------------------

    @property
    def source(self) -> str:
        """The DOT text."""
        return self._source

    @property
    def format(self) -> str:
        """Format used by ``pipe()`` and ``render()`` when none is given."""
        return self._format

    @format.setter
    def format(self, value: str) -> None:
        self._format = check_format(value)

    @property
    def engine(self) -> str:
        """Graphviz layout engine (``dot`` unless set)."""
        return self._engine

    @engine.setter
    def engine(self, value: str) -> None:
        self._engine = check_engine(value)

    def __str__(self) -> str:
        return self._source

    def __repr__(self) -> str:
        lines = self._source.count("\n") + 1
        plural = "" if lines == 1 else "s"
        return (
            f"<GraphView: {lines} line{plural} of DOT; show it in a notebook "
            "or call .save('dag.svg')>"
        )

    def pipe(self, format: str | None = None, *, timeout: float | None = None) -> bytes:
        """The picture as bytes (``format`` defaults to ``self.format``).

        ``"dot"``/``"gv"`` return the DOT text itself. Raises ``RenderError`` (see ``render``).
        """
        fmt = check_format(format or self._format)
        if fmt in SOURCE_FORMATS:
            return self._source.encode("utf-8")
        return render(self._source, fmt, engine=self._engine, timeout=self._timeout(timeout))

    def save(
        self,
        path: str | os.PathLike[str],
        format: str | None = None,
        *,
        timeout: float | None = None,
    ) -> Path:
        """Write the picture to ``path`` atomically and return the path.

        The format comes from ``format`` or else the suffix (``.svg``, ``.png``, ``.pdf``;
        ``.dot``/``.gv`` write the DOT text without rendering). Nothing is written when
        rendering fails.
        """
        target = Path(path).expanduser()
        fmt = check_format(format) if format else format_for_path(target)
        write_atomically(target, self.pipe(fmt, timeout=timeout))
        return target

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = True,
        format: str | None = None,
        *,
        outfile: str | os.PathLike[str] | None = None,
        engine: str | None = None,
        quiet: bool = False,
        quiet_view: bool = False,
        timeout: float | None = None,
    ) -> str:
        """Save like ``graphviz.Digraph.render`` and return the output path.

        The picture goes to ``outfile`` (format from its suffix unless given), else to
        ``<filename>.<format>`` (``filename`` defaults to ``self.filename``, format to
        ``self.format``), under ``directory``. The DOT text is kept in ``filename`` only with
        ``cleanup=False``. ``view=True`` opens the result. ``quiet`` is accepted for
        compatibility (the renderer's warnings are never printed).
        """
        base = Path(directory if directory is not None else self.directory)
        if outfile is not None:
            output = base / Path(outfile)
            fmt = check_format(format) if format else format_for_path(output)
            source_path = base / Path(filename) if filename else output.with_suffix(".gv")
        else:
            fmt = check_format(format or self._format)
            source_path = base / Path(filename if filename is not None else self.filename)
            output = source_path.with_name(f"{source_path.name}.{fmt}")
        picture = self._with_engine(engine).pipe(fmt, timeout=timeout)
        if not cleanup:
            write_atomically(source_path, self._source.encode("utf-8"))
        write_atomically(output, picture)
        if view:
            open_in_viewer(output)
        return os.fspath(output)

    def view(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        cleanup: bool = True,
        quiet: bool = False,
        quiet_view: bool = False,
    ) -> str:
        """Render to a file (``self.format``) and open it in the desktop's viewer."""
        return self.render(filename, directory, view=True, cleanup=cleanup)

    def to_graphviz(self) -> Any:
        """A ``graphviz.Source`` with this DOT text, for code that needs the real object."""
        try:
            import graphviz
        except ImportError as exc:
            raise RenderError(
                "to_graphviz() needs the graphviz package: `pip install graphviz`"
            ) from exc
        return graphviz.Source(self._source, format=self._format, engine=self._engine)

    # -- notebook display -------------------------------------------------------------------

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, str]:
        """``image/svg+xml`` plus ``text/plain``; the DOT source and a hint if not renderable."""

        def wanted(mime: str) -> bool:
            return (not include or mime in include) and not (exclude and mime in exclude)

        bundle: dict[str, str] = {}
        problem = None
        if wanted(SVG_MIME):
            try:
                bundle[SVG_MIME] = self._notebook_svg()
            except RenderError as exc:
                problem = _display_problem(exc)
        if problem is not None and wanted("text/html"):
            bundle["text/html"] = _source_html(problem, self._source)
        if wanted("text/plain"):
            bundle["text/plain"] = repr(self) if problem is None else f"{problem}\n{self._source}"
        return bundle

    def _repr_svg_(self) -> str | None:
        """The inline SVG, or ``None`` when it cannot be rendered (never raises)."""
        try:
            return self._notebook_svg()
        except RenderError:
            return None

    def _notebook_svg(self) -> str:
        renderer = _current_renderer()
        where = renderer.executable if renderer else None
        if self._display_failure and self._display_failure[0] == where:
            raise self._display_failure[1]
        try:
            return embeddable_svg(self.pipe("svg"))
        except RenderError as exc:
            self._display_failure = (where, exc)
            raise

    # -- helpers ------------------------------------------------------------------------------

    def _timeout(self, timeout: float | None) -> float | None:
        return self.timeout if timeout is None else timeout

    def _with_engine(self, engine: str | None) -> GraphView:
        if engine is None or engine == self._engine:
            return self
        return GraphView(self._source, format=self._format, engine=engine, timeout=self.timeout)


def _current_renderer() -> Renderer | None:
    try:
        return require_renderer()
    except RendererNotFoundError:
        return None


def _display_problem(exc: RenderError) -> str:
    separator = ", " if isinstance(exc, RendererNotFoundError) else ": "
    return f"DAG not drawn{separator}{exc}"


def _source_html(problem: str, source: str) -> str:
    return (
        '<div class="hamilton-nb-dot">'
        f"<p>{html.escape(problem)}</p>"
        '<pre style="max-height: 24em; overflow: auto">'
        f"{html.escape(source)}</pre></div>"
    )
