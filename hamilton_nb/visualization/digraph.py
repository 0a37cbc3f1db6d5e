"""The picture the Driver's methods return: a real ``graphviz.Digraph`` that always renders.

Responsibilities:
- ``DataflowDigraph``: a ``graphviz.Digraph`` subclass made from ``dot.DotParts`` by
  ``from_parts``. Everything graphviz offers works as in graphviz (``attr``, ``node``,
  ``edge``, ``graph_attr``, ``source``, ``pipe``, ``render``, ``view``, ``save``, ``copy``);
  with a system Graphviz on PATH, ``pipe`` and ``render`` run its ``dot`` unchanged.
- without the ``dot`` executable, ``pipe`` and ``render`` lay out through our renderer chain
  (the ``graphviz-pure`` wheel) and write the files graphviz would have written; with no
  renderer at all they raise ``GraphvizNotFoundError``, which is both our
  ``RendererNotFoundError`` and graphviz's ``ExecutableNotFound``.
- notebook display (``_repr_mimebundle_``, ``_repr_svg_``): SVG through the renderer chain,
  cached per source; with no renderer, or when it fails, the DOT text under a one-line
  explanation instead of a traceback.
- ``save_picture(path)``: an atomic save whose format comes from the file suffix.

graphviz is imported at the top: this module is imported only when a picture is asked for.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import graphviz
from graphviz.backend import piping as graphviz_piping
from graphviz.backend import rendering as graphviz_rendering

from hamilton_nb.errors import RendererNotFoundError, RenderError, UnsupportedFormatError
from hamilton_nb.files import write_atomically
from hamilton_nb.visualization import render as render_
from hamilton_nb.visualization import renderers
from hamilton_nb.visualization.dot import DotParts

IMAGE_FORMATS = {"image/png": "png", "image/jpeg": "jpeg"}
TEXT_MIME = "text/plain"
HTML_MIME = "text/html"


class GraphvizNotFoundError(RendererNotFoundError, graphviz.ExecutableNotFound):
    """No renderer at all: neither Graphviz's ``dot`` nor the graphviz-pure wheel.

    Defined here, not in ``errors``, because it also subclasses graphviz's
    ``ExecutableNotFound`` (so ``except graphviz.ExecutableNotFound`` keeps working).
    """

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)


def from_parts(parts: DotParts, **digraph_kwargs: Any) -> DataflowDigraph:
    """A ``DataflowDigraph`` holding ``parts``: the settings become ``graph_attr``,
    ``node_attr`` and ``edge_attr``; the statements its ``body``. ``digraph_kwargs`` go to
    ``graphviz.Digraph`` (``format``, ``engine``, ``filename``, ...); graphviz raises
    ``ValueError`` for an unknown format or engine."""
    settings = parts.settings
    return DataflowDigraph(
        name=settings.name,
        comment=settings.comment.replace("\n", " "),
        graph_attr=dict(settings.graph),
        node_attr=dict(settings.node),
        edge_attr=dict(settings.edge),
        body=[f"{line}\n" for line in parts.body],
        strict=settings.strict,
        **digraph_kwargs,
    )


class DataflowDigraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` of a dataflow that renders with or without system Graphviz.

    Rendering without ``dot`` cannot use graphviz's ``renderer``/``formatter``/
    ``neato_no_op`` options (``UnsupportedFormatError``), nor write pdf (graphviz-pure
    writes svg, png and the text formats). ``timeout`` bounds each fallback or notebook
    rendering in seconds (``None``: no limit).
    """

    timeout: float | None = renderers.DEFAULT_TIMEOUT
    _display_failure: tuple[Any, RenderError] | None = None

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        plural = "" if lines == 1 else "s"
        return (
            f"<{type(self).__name__}: {lines} line{plural} of DOT; show it in a notebook "
            "or call .render('dag', format='svg')>"
        )

    # -- graphviz's backend, with our renderer when ``dot`` is missing -------------------------
    # graphviz calls its backend through these three properties (meant for mocking); the
    # public methods (pipe, render, view) and their argument handling stay graphviz's own.

    @property
    def _pipe_lines(self) -> Any:
        return self._pipe_lines_any

    @property
    def _pipe_lines_string(self) -> Any:
        return self._pipe_lines_string_any

    @property
    def _render(self) -> Any:
        return self._render_any

    def _pipe_lines_any(
        self,
        engine: str,
        format: str,
        input_lines: Iterator[str],
        *,
        input_encoding: str,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
    ) -> bytes:
        if renderers.system_dot() is not None:
            return graphviz_piping.pipe_lines(
                engine, format, input_lines, input_encoding=input_encoding,
                renderer=renderer, formatter=formatter, neato_no_op=neato_no_op, quiet=quiet,
            )  # fmt: skip
        _plain_only(renderer, formatter, neato_no_op)
        return self._lay_out("".join(input_lines), format, engine)

    def _pipe_lines_string_any(
        self,
        engine: str,
        format: str,
        input_lines: Iterator[str],
        *,
        encoding: str,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
    ) -> str:
        if renderers.system_dot() is not None:
            return graphviz_piping.pipe_lines_string(
                engine, format, input_lines, encoding=encoding,
                renderer=renderer, formatter=formatter, neato_no_op=neato_no_op, quiet=quiet,
            )  # fmt: skip
        _plain_only(renderer, formatter, neato_no_op)
        return self._lay_out("".join(input_lines), format, engine).decode(encoding)

    def _render_any(
        self,
        engine: str,
        format: str | None,
        filepath: str | os.PathLike[str],
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        outfile: str | os.PathLike[str] | None = None,
        raise_if_result_exists: bool = False,
        overwrite_filepath: bool = False,
    ) -> str:
        if renderers.system_dot() is not None:
            return graphviz_rendering.render(
                engine, format, filepath, renderer=renderer, formatter=formatter,
                neato_no_op=neato_no_op, quiet=quiet, outfile=outfile,
                raise_if_result_exists=raise_if_result_exists,
                overwrite_filepath=overwrite_filepath,
            )  # fmt: skip
        _plain_only(renderer, formatter, neato_no_op)
        source_path = Path(filepath)
        if outfile is not None:
            target = Path(outfile)
            format = graphviz_rendering.get_format(target, format=format)
            if not overwrite_filepath and target.resolve() == source_path.resolve():
                raise ValueError(
                    f"outfile {target.name!r} must be different from the DOT file "
                    f"{source_path.name!r}; pass overwrite_source=True to replace it"
                )
        else:
            assert format is not None  # graphviz checked: format is required without outfile
            target = graphviz_rendering.get_outfile(source_path, format=format)
        if raise_if_result_exists and target.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(target)!r}")
        source = source_path.read_text(encoding=self.encoding)
        write_atomically(target, self._lay_out(source, format, engine))
        return os.fspath(target)

    def _lay_out(self, source: str, format: str, engine: str) -> bytes:
        try:
            return render_.render(source, format, engine=engine, timeout=self.timeout)
        except RendererNotFoundError as exc:
            raise GraphvizNotFoundError(str(exc)) from None

    # -- saving beyond graphviz ----------------------------------------------------------------

    def save_picture(self, path: str | os.PathLike[str], format: str | None = None) -> Path:
        """Write the picture to ``path`` atomically and return the path.

        The format comes from ``format`` or else the suffix (``.svg``, ``.png``, ``.pdf``;
        ``.dot``/``.gv`` write the DOT text itself). Uses the renderer chain (system ``dot``,
        else graphviz-pure); nothing is written when rendering fails (``RenderError``).
        Unlike graphviz's ``save`` (which writes the DOT source), no ``.gv`` file is left.
        """
        target = Path(path).expanduser()
        fmt = renderers.check_format(format) if format else render_.format_for_path(target)
        if fmt in render_.SOURCE_FORMATS:
            data = self.source.encode("utf-8")
        else:
            data = render_.render(self.source, fmt, engine=self.engine, timeout=self.timeout)
        write_atomically(target, data)
        return target

    # -- notebook display ----------------------------------------------------------------------

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """``image/svg+xml`` and ``text/plain`` (``include`` may ask for ``image/png`` or
        ``image/jpeg`` too); when the picture cannot be made, the DOT text under a one-line
        explanation (``text/html`` and ``text/plain``) instead of raising."""
        wanted = set(include) if include is not None else {render_.SVG_MIME, TEXT_MIME, HTML_MIME}
        wanted -= set(exclude or ())
        bundle: dict[str, Any] = {}
        problem = None
        if render_.SVG_MIME in wanted:
            try:
                bundle[render_.SVG_MIME] = self._notebook_svg()
            except RenderError as exc:
                problem = _display_problem(exc)
        for mime, fmt in IMAGE_FORMATS.items():
            if mime in wanted:
                try:
                    bundle[mime] = self._picture(fmt)
                except RenderError as exc:
                    problem = problem or _display_problem(exc)
        if problem is not None and HTML_MIME in wanted:
            bundle[HTML_MIME] = _source_html(problem, self.source)
        if TEXT_MIME in wanted:
            bundle[TEXT_MIME] = repr(self) if problem is None else f"{problem}\n{self.source}"
        return bundle

    def _repr_svg_(self) -> str | None:
        """The inline SVG, or ``None`` when it cannot be rendered (never raises)."""
        try:
            return self._notebook_svg()
        except RenderError:
            return None

    def _repr_image_svg_xml(self) -> str:
        """The SVG for inline display (raises ``RenderError`` when it cannot be made)."""
        return self._notebook_svg()

    def _repr_image_png(self) -> bytes:
        return self._picture("png")

    def _repr_image_jpeg(self) -> bytes:
        return self._picture("jpeg")

    def _picture(self, fmt: str) -> bytes:
        return render_.render(self.source, fmt, engine=self.engine, timeout=self.timeout)

    def _notebook_svg(self) -> str:
        """SVG text without its XML prologue; a failure is remembered per source and
        renderer, so re-displaying an unchanged picture does not run the renderer again."""
        chosen = renderers.find_renderer()
        key = (chosen.executable if chosen else None, self.source)
        if self._display_failure is not None and self._display_failure[0] == key:
            raise self._display_failure[1]
        try:
            return render_.embeddable_svg(self._picture("svg"))
        except RenderError as exc:
            self._display_failure = (key, exc)
            raise


def _plain_only(
    renderer: str | None, formatter: str | None, neato_no_op: bool | int | None
) -> None:
    """Raise ``UnsupportedFormatError`` for graphviz options only Graphviz's ``dot`` has."""
    used = [
        f"{name}={value!r}"
        for name, value in (
            ("renderer", renderer), ("formatter", formatter), ("neato_no_op", neato_no_op)
        )
        if value
    ]  # fmt: skip
    if used:
        raise UnsupportedFormatError(
            f"{renderers.WHEEL_RENDERER} cannot apply {', '.join(used)}; install Graphviz "
            f"(`{renderers.graphviz_install_command()}`) or leave them out"
        )


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
