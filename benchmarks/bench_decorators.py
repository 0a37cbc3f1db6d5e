"""Decorator resolution benchmark: build time per generated node (section 5 of bench_engine).

Cases: ``@parameterize`` producing 1,000 nodes from one function, and ``@extract_columns``
over 500 columns. Target: <= 30 us per generated node. Run on its own with
``python benchmarks/bench_decorators.py`` or as part of ``bench_engine.py``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_engine as be  # noqa: E402

PARAMETERIZED = 1_000
COLUMNS = 500
TARGET_US_PER_GENERATED_NODE = 30.0

PARAMETERIZE_SOURCE = """\
from {package}.function_modifiers import parameterize, value


@parameterize(**{{f"scaled_{{i}}": {{"factor": value(i)}} for i in range({n})}})
def scaled(x: int, factor: int) -> int:
    return x * factor
"""

EXTRACT_SOURCE = """\
import pandas as pd

from {package}.function_modifiers import extract_columns


@extract_columns(*[f"c{{i}}" for i in range({n})])
def frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({{f"c{{i}}": range(rows) for i in range({n})}})
"""


@dataclass
class DecoratorRow:
    case: str
    engine: str
    generated: int
    build: be.Outcome

    @property
    def us_per_node(self) -> float | None:
        return None if not self.build.ok else self.build.seconds * 1e6 / self.generated


def measure_decorators(engine: be.Engine, settings: be.Settings) -> list[DecoratorRow]:
    """Build time of each case for one engine (Hamilton's runs are capped in wall time)."""
    cap = None if engine.name == "hamilton_nb" else settings.hamilton_cap
    package = engine.package.__name__
    cases = [
        ("parameterize -> 1,000 nodes", PARAMETERIZE_SOURCE, PARAMETERIZED, "scaled_7", {"x": 2}),
        ("extract_columns, 500 columns", EXTRACT_SOURCE, COLUMNS + 1, "c7", {"rows": 3}),
    ]
    rows = []
    for label, source, generated, output, inputs in cases:
        n = PARAMETERIZED if "parameterize" in label else COLUMNS
        text = source.format(package=package, n=n)
        module = be.module_from_definitions([text], f"deco_{package}_{len(rows)}")
        holder: list[Any] = []
        outcome = be.best_of(
            lambda: holder.append(engine.build(module)), settings.build_repeat, cap, holder.clear
        )
        if outcome.ok:  # the built graph must also run, or the figure means nothing
            check = be.run_once(lambda: holder[-1].execute([output], inputs=inputs), cap)
            if not check.ok:
                outcome = be.Outcome(None, f"built, but execute failed: {check.note}")
        rows.append(DecoratorRow(label, engine.name, generated, outcome))
    return rows


def report_decorators(rows: list[DecoratorRow]) -> str:
    lines = [
        [
            r.case,
            r.engine,
            f"{r.generated:,}",
            be.fmt(r.build, 1e3, 2),
            "-" if r.us_per_node is None else f"{r.us_per_node:.1f}",
        ]
        for r in sorted(rows, key=lambda r: (r.case, r.engine != "hamilton_nb"))
    ]
    return be.table(["case", "engine", "nodes", "build ms", "us/generated node"], lines)


def target_line(rows: list[DecoratorRow]) -> list[str]:
    ours = [r.us_per_node for r in rows if r.engine == "hamilton_nb"]
    worst = None if any(v is None for v in ours) else max(ours)  # type: ignore[type-var]
    return [
        "decorators <= 30 us/generated node (parameterize, extract_columns)",
        ", ".join("-" if v is None else f"{v:.1f}" for v in ours),
        be.verdict(None if worst is None else worst <= TARGET_US_PER_GENERATED_NODE),
    ]


def main() -> int:
    settings = be.settings_for(quick="--quick" in sys.argv)
    rows = measure_decorators(be.load_ours(), settings)
    hamilton = be.load_hamilton()
    if hamilton is not None:
        rows += measure_decorators(hamilton, settings)
    print(report_decorators(rows))
    print(be.table(["target", "measured", "status"], [target_line(rows)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
