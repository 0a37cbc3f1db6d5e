"""DAG visualization benchmarks: DOT generation and SVG rendering, hamilton_nb next to Hamilton.

Run ``python benchmarks/bench_viz.py`` (about 1-2 minutes) or ``--quick`` (fewer repetitions,
Hamilton capped at 25 s per measurement). For generated DAGs of 100 / 1,000 nodes (the module
of ``bench_engine.dag_definitions``: node i sums nodes i-1, i-2, i-3), it measures:

1. DOT generation: ``Driver.display_all_functions().source`` for hamilton_nb with default
   settings, and with folding turned off (``build_dot(graph, collapse_threshold=None)``, all
   nodes drawn); Hamilton's ``display_all_functions()`` (it builds a ``graphviz.Digraph``).
   A checkout whose Driver cannot draw yet falls back to a plain synthetic DOT of the graph.
2. SVG rendering of each DOT text with the system ``dot`` and with the graphviz-pure wheel
   (hamilton_nb's SVG cache is cleared before every run). Hamilton's "svg dot" column is its
   own ``Digraph.pipe(format="svg")``.

Timings use ``time.perf_counter``, best of N, garbage collector off while timing. Hamilton is
imported after hamilton_nb was measured; its measurements are capped in wall time (SIGALRM;
the renderer process is killed when the cap expires).
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench_engine import (
    Outcome,
    best_of,
    dag_definitions,
    load_average,
    load_hamilton,
    load_ours,
    module_from_definitions,
    progress,
    run_once,
    table,
)

SIZES = (100, 1_000)
TARGET_RENDER_SECONDS = 5.0  # the 1,000-node graph, hamilton_nb's default picture, system dot


@dataclass
class Settings:
    quick: bool
    dot_repeat: int
    render_repeat: int
    hamilton_cap: float


def settings_for(quick: bool) -> Settings:
    return Settings(True, 2, 1, 25.0) if quick else Settings(False, 5, 3, 60.0)


@dataclass
class Row:
    size: int
    label: str
    how: str  # how the DOT text was made
    dot: Outcome
    drawn: int | None = None  # nodes in the SVG
    svg_dot: Outcome | None = None
    svg_wheel: Outcome | None = None


# -- making DOT text ----------------------------------------------------------------------------


def synthetic_dot(graph: Any) -> str:
    """A plain DOT text of the graph (name and type per node), for Drivers that cannot draw."""
    lines = ["digraph dag {", "  graph [rankdir=LR];", '  node [shape=rectangle, style="rounded"];']
    for name in graph.order:
        node = graph.nodes[name]
        type_name = getattr(node.type, "__name__", str(node.type))
        lines.append(f'  "{name}" [label=<<b>{name}</b><br/><i>{type_name}</i>>];')
        lines.extend(f'  "{dep}" -> "{name}";' for dep in graph.dependencies(name))
    lines.append("}")
    return "\n".join(lines) + "\n"


def our_dot_makers(dr: Any) -> list[tuple[str, str, Callable[[], str]]]:
    """(label, how, make) for each hamilton_nb DOT variant this checkout supports."""
    try:
        from hamilton_nb.visualization.dot import build_dot
    except ImportError:
        build_dot = None
    if hasattr(dr, "display_all_functions"):
        how = "Driver.display_all_functions().source"
        makers = [("hamilton_nb", how, lambda: dr.display_all_functions().source)]
    elif build_dot is not None:
        makers = [("hamilton_nb", "build_dot(graph)", lambda: build_dot(dr.graph))]
    else:
        return [("hamilton_nb", "synthetic DOT", lambda: synthetic_dot(dr.graph))]
    if build_dot is not None and "collapse_threshold" in inspect.signature(build_dot).parameters:
        makers.append(
            (
                "hamilton_nb, all nodes",
                "build_dot(graph, collapse_threshold=None)",
                lambda: build_dot(dr.graph, collapse_threshold=None),
            )
        )
    return makers


# -- rendering ----------------------------------------------------------------------------------


def count_svg_nodes(svg: bytes) -> int:
    return svg.count(b'class="node')


def render_outcome(source: str, renderer: Any, repeat: int, cap: float | None) -> Outcome:
    """Best SVG rendering time of ``source`` with ``renderer`` (cache cleared each time)."""
    from hamilton_nb.visualization import render as render_module

    if renderer is None:
        return Outcome(None, "not installed")
    return best_of(
        lambda: render_module.render(source, "svg", renderer=renderer, timeout=None),
        repeat,
        cap,
        setup=render_module.svg_cache.clear,
    )


def renderers_here() -> tuple[Any, Any]:
    from hamilton_nb.visualization import renderers

    return renderers.system_dot(), renderers.wheel_renderer()


def measure_ours(settings: Settings) -> list[Row]:
    ours = load_ours()
    system, wheel = renderers_here()
    rows = []
    for size in SIZES:
        dr = ours.build(module_from_definitions(dag_definitions(size), f"viz{size}"))
        for label, how, make in our_dot_makers(dr):
            progress(f"{label}: {size:,} nodes, DOT")
            dot = best_of(make, settings.dot_repeat)
            row = Row(size, label, how, dot)
            if dot.ok:
                progress(f"{label}: {size:,} nodes, SVG")
                row.svg_dot = render_outcome(dot.value, system, settings.render_repeat, None)
                row.svg_wheel = render_outcome(dot.value, wheel, settings.render_repeat, None)
                done = row.svg_dot if row.svg_dot.ok else row.svg_wheel
                row.drawn = count_svg_nodes(done.value) if done.ok else None
            rows.append(row)
    return rows


def measure_hamilton(settings: Settings) -> list[Row]:
    hamilton = load_hamilton()
    if hamilton is None:
        return []
    _, wheel = renderers_here()
    cap = settings.hamilton_cap
    rows = []
    for size in SIZES:
        dr = hamilton.build(module_from_definitions(dag_definitions(size), f"hviz{size}"))
        progress(f"hamilton: {size:,} nodes, DOT")
        dot = best_of(dr.display_all_functions, settings.dot_repeat, cap)
        row = Row(size, "hamilton", "display_all_functions", dot)
        if dot.ok:
            digraph = dot.value
            progress(f"hamilton: {size:,} nodes, SVG (capped at {cap:g} s)")
            row.svg_dot = run_once(lambda digraph=digraph: digraph.pipe(format="svg"), cap)
            row.svg_wheel = render_outcome(digraph.source, wheel, 1, cap)
            done = row.svg_dot if row.svg_dot.ok else row.svg_wheel
            row.drawn = count_svg_nodes(done.value) if done.ok else None
        rows.append(row)
    return rows


# -- report -------------------------------------------------------------------------------------


def cell(outcome: Outcome | None, scale: float, digits: int) -> str:
    if outcome is None:
        return "-"
    if not outcome.ok:
        return outcome.note
    return f"{outcome.seconds * scale:,.{digits}f}"  # type: ignore[operator]


def total(row: Row) -> str:
    render = row.svg_dot if row.svg_dot is not None and row.svg_dot.ok else row.svg_wheel
    if not row.dot.ok or render is None or not render.ok:
        return "-"
    return f"{row.dot.seconds + render.seconds:,.2f}"  # type: ignore[operator]


def report(rows: list[Row]) -> str:
    lines = [
        [
            f"{r.size:,}",
            r.label,
            "-" if r.drawn is None else f"{r.drawn:,}",
            cell(r.dot, 1e3, 1),
            cell(r.svg_dot, 1, 2),
            cell(r.svg_wheel, 1, 2),
            total(r),
        ]
        for r in sorted(rows, key=lambda r: r.size)
    ]
    headers = ["nodes", "engine", "drawn", "DOT ms", "svg dot s", "svg graphviz-pure s", "total s"]
    return table(headers, lines)


def target_line(rows: list[Row]) -> str:
    mine = [r for r in rows if r.size == 1_000 and r.label == "hamilton_nb"]
    if not mine or not mine[0].dot.ok or mine[0].svg_dot is None or not mine[0].svg_dot.ok:
        return "1,000-node picture <= 5 s: not measured (no system dot)"
    seconds = mine[0].dot.seconds + mine[0].svg_dot.seconds  # type: ignore[operator]
    verdict = "ok" if seconds <= TARGET_RENDER_SECONDS else "MISSED"
    return (
        f"1,000-node picture (DOT + svg with dot) {seconds:.2f} s "
        f"<= {TARGET_RENDER_SECONDS:g} s: {verdict}"
    )


def describe_renderers() -> str:
    import subprocess

    lines = []
    for renderer in renderers_here():
        if renderer is None:
            continue
        proc = subprocess.run([renderer.executable, "-V"], capture_output=True, text=True)
        version = (
            (proc.stderr or proc.stdout).strip().splitlines()[0] if proc.returncode == 0 else "?"
        )
        lines.append(f"  {renderer.name}: {renderer.executable} ({version})")
    return "\n".join(lines) or "  none installed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, tighter caps")
    args = parser.parse_args(argv)
    settings = settings_for(args.quick)
    started = time.perf_counter()
    print(f"bench_viz ({'quick' if settings.quick else 'full'}); python {sys.version.split()[0]}")
    print(f"renderers:\n{describe_renderers()}", flush=True)
    rows = measure_ours(settings)
    rows += measure_hamilton(settings)
    hows = sorted({f"{r.label}: {r.how}" for r in rows})
    print("\nDAG pictures of generated modules (node i sums nodes i-1, i-2, i-3)")
    print(report(rows))
    print("\nDOT made by: " + "; ".join(hows))
    print(target_line(rows))
    print(f"\ntotal benchmark time {time.perf_counter() - started:.1f} s; {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
