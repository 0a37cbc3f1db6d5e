#!/usr/bin/env python
"""Execute notebooks headless and write each one as HTML.

    python scripts/run_notebooks.py [--output-dir build] NOTEBOOK.ipynb [...]

Each notebook runs in a fresh kernel whose working directory is the notebook's
own folder. The kernel is the ``python3`` kernelspec of *this* interpreter
(run it with ``.venv/bin/python`` and the kernel is the .venv's Python).
The HTML is written to ``<output-dir>/<notebook stem>.html`` (also when a cell
fails, to help debugging). Exit status is non-zero if any cell errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

KERNEL_NAME = "python3"


def ensure_kernelspec(kernel_name: str = KERNEL_NAME) -> Path:
    """Make ``kernel_name`` resolve to a kernel that runs ``sys.executable``.

    The kernelspec lives in ``<sys.prefix>/share/jupyter/kernels`` and that
    directory is put first on JUPYTER_PATH, so a user-wide ``python3``
    kernelspec pointing at some other interpreter cannot shadow it.
    """
    data_dir = Path(sys.prefix) / "share" / "jupyter"
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(data_dir)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    )
    spec_file = data_dir / "kernels" / kernel_name / "kernel.json"
    try:
        argv0 = json.loads(spec_file.read_text())["argv"][0]
    except (OSError, ValueError, KeyError, IndexError):
        argv0 = None
    if argv0 != sys.executable:
        from ipykernel.kernelspec import install

        install(kernel_name=kernel_name, prefix=sys.prefix)
    return spec_file


def run_notebook(path: Path, output_dir: Path, timeout: int, kernel_name: str) -> bool:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    started = time.perf_counter()
    ok = True
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as exc:
        ok = False
        print(f"FAILED {path}:\n{exc}", file=sys.stderr)
    elapsed = time.perf_counter() - started

    output_dir.mkdir(parents=True, exist_ok=True)
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    out = output_dir / f"{path.stem}.html"
    out.write_text(html, encoding="utf-8")
    print(f"{'ok' if ok else 'FAILED'}  {path} -> {out}  ({elapsed:.1f} s)")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebooks to execute")
    parser.add_argument("--output-dir", "-o", type=Path, default=Path("build"))
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--kernel-name", default=KERNEL_NAME)
    args = parser.parse_args(argv)

    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")

    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")  # silence a jupyter_core notice
    ensure_kernelspec(args.kernel_name)

    failed = [
        nb
        for nb in args.notebooks
        if not run_notebook(nb, args.output_dir, args.timeout, args.kernel_name)
    ]
    if failed:
        print(f"{len(failed)} of {len(args.notebooks)} notebook(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
