"""Graphviz renderers: find one on this machine and run it on DOT text.

Responsibilities:
- locate a renderer, in order: the system Graphviz ``dot`` on PATH, then the ``graphviz-pure``
  binary that ships as a wheel (found through its distribution's file list, so an unactivated
  virtualenv works, then on PATH);
- run it as a subprocess (stdin: DOT text, stdout: the picture) with a timeout, killing it when
  the timeout expires or the caller is interrupted;
- turn every failure into a short ``RenderError`` that quotes the renderer's own message and
  says what to do (install command, bigger timeout, offending DOT line).

graphviz-pure is a runtime dependency: one static binary, no Python code, no dependencies, wheels
for Linux/macOS/Windows on x86-64 and arm64; it lays out as fast as ``dot`` (svg, png; no pdf).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hamilton_nb.errors import RendererNotFoundError, RenderError, UnsupportedFormatError

logger = logging.getLogger(__name__)

SYSTEM_DOT = "Graphviz dot"
WHEEL_RENDERER = "graphviz-pure"
WHEEL_DISTRIBUTION = "graphviz-pure"
DEFAULT_TIMEOUT = 60.0
ENGINES = ("dot", "neato", "fdp", "sfdp", "circo", "twopi", "osage", "patchwork")
# Output formats Graphviz knows (``dot -T?``); file suffixes are read as formats only from here.
GRAPHVIZ_FORMATS = frozenset(
    "bmp canon cmap cmapx cmapx_np dot dot_json eps fig gd gd2 gif gv ico imap imap_np ismap "
    "jpe jpeg jpg json json0 mp pdf pic plain plain-ext png pov ps ps2 svg svgz tif tiff tk "
    "vdx vml vmlz vrml wbmp webp xdot xdot1.2 xdot1.4 xdot_json".split()
)
# Formats worth naming when a renderer lists what it writes, in the order users look for them.
PICTURE_FORMATS = ("svg", "png", "pdf", "jpeg", "gif", "webp", "ps", "eps", "bmp", "tiff")

_FORMAT_NAME = re.compile(r"[a-z0-9][a-z0-9_.:-]*\Z")
_NOT_RECOGNIZED = re.compile(r'Format: "([^"]*)" not recognized\. Use one of:(.*)')
_SYNTAX_ERROR_LINE = re.compile(r"syntax error in line (\d+)\b")
_MESSAGE_LIMIT = 400

_wheel_binary_found: str | None = None


def graphviz_install_command() -> str:
    """The command that installs Graphviz (with every output format) on this platform."""
    if sys.platform == "darwin":
        return "brew install graphviz"
    if sys.platform == "win32":
        return "winget install graphviz"
    return "sudo apt-get install graphviz"


def no_renderer_hint() -> str:
    """One line saying how to get pictures when no renderer is installed."""
    return (
        f"no Graphviz renderer found: run `pip install {WHEEL_DISTRIBUTION}`, or install "
        f"Graphviz (`{graphviz_install_command()}` or `conda install -c conda-forge graphviz`)"
    )


def check_format(format: str) -> str:
    """Return ``format`` lower-cased; raise ``UnsupportedFormatError`` if it is not a name."""
    if not isinstance(format, str):
        raise UnsupportedFormatError(
            f"format must be a string such as 'svg', 'png' or 'pdf', not {format!r}"
        )
    name = format.strip().lower()
    if not _FORMAT_NAME.match(name):
        raise UnsupportedFormatError(
            f"{format!r} is not a Graphviz output format; use 'svg', 'png' or 'pdf'"
        )
    return name


def check_engine(engine: str) -> str:
    """Return ``engine`` if it is a Graphviz layout engine, else raise ``RenderError``."""
    if engine not in ENGINES:
        raise RenderError(
            f"{engine!r} is not a Graphviz layout engine; use one of {', '.join(ENGINES)}"
        )
    return engine


@dataclass(frozen=True)
class Renderer:
    """A Graphviz command line program: ``name`` for messages, ``executable`` to run."""

    name: str
    executable: str

    def __str__(self) -> str:
        return f"{self.name} ({self.executable})"

    def run(
        self,
        source: str,
        format: str = "svg",
        *,
        engine: str = "dot",
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> bytes:
        """Lay out ``source`` and return the picture as bytes.

        Raises ``UnsupportedFormatError`` when this renderer cannot write ``format`` and
        ``RenderError`` when it fails, times out (the process is killed) or cannot start.
        """
        fmt = check_format(format)
        command = [self.executable, f"-T{fmt}", f"-K{check_engine(engine)}"]
        try:
            proc = subprocess.run(
                command,
                input=source.encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                check=False,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except subprocess.TimeoutExpired:
            raise RenderError(
                f"{self} took longer than {timeout:g} s to lay out the graph and was stopped; "
                "pass a larger timeout, or show fewer nodes"
            ) from None
        except OSError as exc:
            raise RenderError(
                f"{self} could not be started ({exc.strerror or exc}); reinstall it, or remove "
                "it from PATH so another renderer is used"
            ) from exc
        message = _renderer_message(proc.stderr)
        if proc.returncode != 0 or not proc.stdout:
            raise self._failure(fmt, proc.returncode, message, source)
        if message:
            logger.debug("%s: %s", self, message)
        return proc.stdout

    def _failure(self, fmt: str, returncode: int, message: str, source: str) -> RenderError:
        unknown = _NOT_RECOGNIZED.search(message)
        if unknown:
            return UnsupportedFormatError(self._format_advice(fmt, unknown.group(2).split()))
        if not message:
            if returncode == 0:
                return RenderError(f"{self} produced no output: the DOT text holds no graph")
            return RenderError(f"{self} failed with exit code {returncode} and no message")
        return RenderError(
            f"{self} could not render the graph (exit code {returncode}): "
            f"{message}{_offending_line(message, source)}"
        )

    def _format_advice(self, fmt: str, known: list[str]) -> str:
        pictures = [name for name in PICTURE_FORMATS if name in known] or known
        writes = f"it writes {', '.join(pictures)}"
        if self.name == WHEEL_RENDERER:
            fix = f"install Graphviz for {fmt}: `{graphviz_install_command()}`"
        else:
            fix = f"install Graphviz with its {fmt} plugin: `{graphviz_install_command()}`"
        return f"{self.name} cannot write {fmt!r} ({writes}); {fix}"


def _renderer_message(stderr: bytes) -> str:
    """The renderer's stderr as one line, trimmed to a readable length."""
    text = stderr.decode("utf-8", errors="replace")
    message = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 3] + "..."
    return message


def _offending_line(message: str, source: str) -> str:
    """``"; line N: '...'"`` quoting the DOT line a syntax error points at, if there is one."""
    found = _SYNTAX_ERROR_LINE.search(message)
    if not found:
        return ""
    lines = source.splitlines()
    number = int(found.group(1))
    if not 1 <= number <= len(lines):
        return ""
    text = lines[number - 1].strip()
    if len(text) > 120:
        text = text[:117] + "..."
    return f"; line {number}: {text!r}"


def system_dot() -> Renderer | None:
    """The Graphviz ``dot`` found on PATH, if any."""
    path = shutil.which("dot")
    return Renderer(SYSTEM_DOT, path) if path else None


def wheel_renderer() -> Renderer | None:
    """The ``graphviz-pure`` binary installed with the wheel, if any."""
    path = _wheel_binary()
    return Renderer(WHEEL_RENDERER, path) if path else None


def _wheel_binary() -> str | None:
    """Path of the graphviz-pure program: from its distribution's files, else from PATH.

    A found path is remembered (and re-checked); a miss is looked up again next time, so
    installing the wheel during a session takes effect without a restart.
    """
    global _wheel_binary_found
    if _wheel_binary_found and Path(_wheel_binary_found).is_file():
        return _wheel_binary_found
    _wheel_binary_found = _binary_from_distribution() or shutil.which(WHEEL_RENDERER)
    return _wheel_binary_found


def _binary_from_distribution() -> str | None:
    import importlib.metadata

    try:
        files = importlib.metadata.distribution(WHEEL_DISTRIBUTION).files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if Path(str(entry)).stem == WHEEL_RENDERER and entry.parent.name in ("bin", "Scripts"):
            located = Path(str(entry.locate())).resolve()
            if located.is_file():
                return str(located)
    return None


def available_renderers() -> list[Renderer]:
    """Every renderer found on this machine, preferred first."""
    found = [system_dot(), wheel_renderer()]
    return [renderer for renderer in found if renderer is not None]


def find_renderer() -> Renderer | None:
    """The renderer to use: the system ``dot`` if on PATH, else graphviz-pure, else ``None``."""
    return system_dot() or wheel_renderer()


def require_renderer() -> Renderer:
    """Like ``find_renderer`` but raise ``RendererNotFoundError`` naming the install commands."""
    renderer = find_renderer()
    if renderer is None:
        raise RendererNotFoundError(no_renderer_hint())
    return renderer
