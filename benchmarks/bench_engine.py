"""Engine benchmarks for hamilton_nb, with apache-hamilton as a reference when installed.

Run ``python benchmarks/bench_engine.py`` (about 2-3 minutes) or ``--quick`` (under ~30 s,
fewer repetitions, Hamilton's slowest cases skipped). Measures, in one run:

1. generated DAGs of 100 / 1,000 / 10,000 nodes (node i sums nodes i-1, i-2, i-3): build
   time per node, first and second call, steady-state execute time per node against a
   plain-Python call chain calling the same function objects;
2. a 100,000-node chain (build and execute under the default recursion limit), and
   Hamilton on a 1,000-deep chain;
3. a ``Parallelizable``/``Collect`` fan-out over 1k / 10k / 100k items (sequential executor);
4. the cold ``import hamilton_nb`` time;
5. decorator resolution: build time per generated node (``bench_decorators.py``).

Timings use ``time.perf_counter``, best of N, with the garbage collector off while timing.
Hamilton measurements are capped in wall time (SIGALRM where available).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import importlib.metadata
import logging
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

DAG_SIZES = (100, 1_000, 10_000)
CHAIN_SIZE = 100_000
HAMILTON_CHAIN_SIZE = 1_000
FAN_SIZES = (1_000, 10_000, 100_000)
HAMILTON_FAN_SIZES = (1_000, 10_000)

TARGET_OVERHEAD_RATIO = 2.0  # execute time / plain call chain, 1,000-node DAG
TARGET_BUILD_US_PER_NODE = 10.0
TARGET_FAN_US_PER_ITEM = 30.0
TARGET_FAN_LINEARITY = 1.5  # per-item time at 100k / per-item time at 1k
TARGET_IMPORT_MS = 100.0

FAN_SOURCE = """\
from {package}.htypes import Collect, Parallelizable


def items(n: int) -> Parallelizable[int]:
    yield from range(n)


def sq(items: int) -> int:
    return items * items


def total(sq: Collect[int]) -> int:
    return sum(sq)
"""


@dataclass
class Settings:
    quick: bool
    build_repeat: int
    exec_repeat: int
    sample_seconds: float  # minimum duration of one steady-state sample
    hamilton_cap: float  # wall-time cap of one Hamilton measurement, seconds
    import_runs: int


def settings_for(quick: bool) -> Settings:
    if quick:
        return Settings(True, 2, 3, 0.005, 6.0, 3)
    return Settings(False, 5, 7, 0.02, 30.0, 7)


# -- timing helpers ------------------------------------------------------------------------


class Capped(Exception):
    """Raised inside a measurement that exceeded its wall-time cap."""


@contextlib.contextmanager
def wall_cap(seconds: float | None) -> Iterator[None]:
    """Raise ``Capped`` in the main thread after ``seconds`` (no-op without SIGALRM)."""
    if seconds is None or not hasattr(signal, "setitimer"):
        yield
        return

    def _expire(signum: int, frame: Any) -> None:
        raise Capped(seconds)

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    """A best time in seconds, or why there is none (``RecursionError``, capped, skipped)."""

    seconds: float | None
    note: str = ""
    value: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.seconds is not None


def run_once(
    fn: Callable[[], Any], cap: float | None = None, setup: Callable[[], Any] | None = None
) -> Outcome:
    """Time one call of ``fn`` with gc off; failures become an ``Outcome`` with a note.

    ``setup`` runs first, untimed (e.g. to free the previous driver outside the timing).
    """
    if setup is not None:
        setup()
    gc.collect()
    gc.disable()
    try:
        with wall_cap(cap):
            start = time.perf_counter()
            value = fn()
            return Outcome(time.perf_counter() - start, value=value)
    except RecursionError:
        return Outcome(None, "RecursionError")
    except Capped:
        return Outcome(None, f"> {cap:g} s (capped)")
    except Exception as exc:  # a benchmark reports failures, it does not stop on them
        return Outcome(None, f"{type(exc).__name__}: {str(exc)[:60]}")
    finally:
        gc.enable()


def best_of(
    fn: Callable[[], Any],
    repeat: int,
    cap: float | None = None,
    setup: Callable[[], Any] | None = None,
) -> Outcome:
    """Best of ``repeat`` calls; stops at the first failure, or once ``cap`` seconds are spent."""
    best: Outcome | None = None
    spent = 0.0
    for _ in range(repeat):
        outcome = run_once(fn, cap, setup)
        if not outcome.ok:
            return outcome
        assert outcome.seconds is not None
        spent += outcome.seconds
        if best is None or outcome.seconds < best.seconds:  # type: ignore[operator]
            best = outcome
        if cap is not None and spent > cap:
            break
    assert best is not None
    return best


def per_call(fn: Callable[[], Any], settings: Settings, cap: float | None = None) -> Outcome:
    """Steady-state seconds per call: best of ``exec_repeat`` samples of a calibrated loop."""
    probe = run_once(fn, cap)
    if not probe.ok:
        return probe
    assert probe.seconds is not None
    loops = max(1, min(10_000, int(settings.sample_seconds / max(probe.seconds, 1e-7))))

    def sample() -> Any:
        for _ in range(loops):
            value = fn()
        return value

    outcome = best_of(sample, settings.exec_repeat, cap)
    if outcome.ok:
        outcome.seconds = outcome.seconds / loops  # type: ignore[operator]
    return outcome


# -- generated modules ---------------------------------------------------------------------

_module_counter = iter(range(10**9))


def module_from_definitions(definitions: list[str], stem: str) -> types.ModuleType:
    """A real module made from source text, compiled in chunks (one huge compile is slow).

    Registered in ``sys.modules`` like Hamilton's ``module_from_source`` does.
    """
    name = f"bench_{stem}_{next(_module_counter)}"
    module = types.ModuleType(name)
    for start in range(0, len(definitions), 2000):
        source = "\n\n".join(definitions[start : start + 2000])
        exec(compile(source, f"<{name}>", "exec", dont_inherit=True), module.__dict__)  # noqa: S102
    sys.modules[name] = module
    return module


def dag_definitions(size: int) -> list[str]:
    """Node 0 takes input ``x``; node i returns the sum of nodes i-1, i-2, i-3 (those existing)."""
    definitions = ["def n0(x: int) -> int:\n    return x\n"]
    for i in range(1, size):
        parents = [f"n{j}" for j in range(i - 1, max(i - 4, -1), -1)]
        params = ", ".join(f"{p}: int" for p in parents)
        definitions.append(f"def n{i}({params}) -> int:\n    return {' + '.join(parents)}\n")
    return definitions


def chain_definitions(size: int) -> list[str]:
    """Node 0 takes input ``x``; node i returns node i-1 plus one."""
    definitions = ["def c0(x: int) -> int:\n    return x\n"]
    for i in range(1, size):
        definitions.append(f"def c{i}(c{i - 1}: int) -> int:\n    return c{i - 1} + 1\n")
    return definitions


def plain_chain(module: types.ModuleType, size: int) -> Callable[[int], int]:
    """Straight-line Python calling the module's functions in topological order."""
    lines = ["def plain(x):", "    v0 = n0(x)"]
    for i in range(1, size):
        args = ", ".join(f"v{j}" for j in range(i - 1, max(i - 4, -1), -1))
        lines.append(f"    v{i} = n{i}({args})")
    lines.append(f"    return v{size - 1}")
    namespace = dict(vars(module))
    exec(compile("\n".join(lines), "<plain chain>", "exec", dont_inherit=True), namespace)  # noqa: S102
    return namespace["plain"]  # type: ignore[no-any-return]


# -- the two engines -----------------------------------------------------------------------


@dataclass
class Engine:
    name: str
    package: Any  # the top-level package, for driver/ad_hoc_utils lookups

    def build(self, module: types.ModuleType, dynamic: bool = False) -> Any:
        builder = self.package.driver.Builder().with_modules(module)
        if dynamic:
            builder = builder.enable_dynamic_execution(allow_experimental_mode=True)
        return builder.build()


def load_ours() -> Engine:
    import hamilton_nb.ad_hoc_utils
    import hamilton_nb.driver

    return Engine("hamilton_nb", hamilton_nb)


def load_hamilton() -> Engine | None:
    """apache-hamilton, or None when it is not installed.

    Imported only after hamilton_nb was measured: its imports (pandas, numpy, ...) would
    otherwise share the process while ours is timed.
    """
    logging.getLogger("hamilton").setLevel(logging.CRITICAL)  # its "join our slack" banner
    warnings.filterwarnings("ignore", module="hamilton")
    try:
        import hamilton.ad_hoc_utils
        import hamilton.driver
    except ImportError:
        return None
    return Engine("hamilton", hamilton)


def hamilton_version() -> str | None:
    try:
        return importlib.metadata.version("apache-hamilton")
    except importlib.metadata.PackageNotFoundError:
        return None


# -- 1. generated DAGs ---------------------------------------------------------------------


@dataclass
class DagRow:
    size: int
    engine: str
    build: Outcome
    first: Outcome
    second: Outcome
    steady: Outcome
    plain: Outcome


def bench_dag(
    engine: Engine,
    module: types.ModuleType,
    size: int,
    plain: Outcome,
    settings: Settings,
    cap: float | None,
) -> DagRow:
    target = f"n{size - 1}"
    holder: list[Any] = []

    def build() -> Any:
        holder.append(engine.build(module))

    build_outcome = best_of(build, settings.build_repeat, cap, setup=holder.clear)
    if not build_outcome.ok:
        missing = Outcome(None, "not built")
        return DagRow(size, engine.name, build_outcome, missing, missing, missing, plain)
    dr = holder[0]

    def call() -> Any:
        return dr.execute([target], inputs={"x": 1})[target]

    first = run_once(call, cap)
    second = run_once(call, cap) if first.ok else Outcome(None, first.note)
    steady = per_call(call, settings, cap) if second.ok else Outcome(None, second.note)
    for outcome in (first, second, steady):
        if outcome.ok and outcome.value != plain.value:
            outcome.seconds, outcome.note = None, "WRONG RESULT"
    return DagRow(size, engine.name, build_outcome, first, second, steady, plain)


def section_dags(
    engine: Engine, settings: Settings, plains: dict[int, Outcome], cap: float | None
) -> list[DagRow]:
    """One row per DAG size; ``plains`` caches the plain-chain baseline per size."""
    rows = []
    for size in DAG_SIZES:
        module = module_from_definitions(dag_definitions(size), f"dag{size}")
        if size not in plains:
            plains[size] = per_call(functools.partial(plain_chain(module, size), 1), settings)
        rows.append(bench_dag(engine, module, size, plains[size], settings, cap))
        del module
        gc.collect()
    return rows


# -- 2. deep chains ------------------------------------------------------------------------


@dataclass
class ChainRow:
    engine: str
    size: int
    build: Outcome
    first: Outcome
    second: Outcome
    steady: Outcome


def bench_chain(
    engine: Engine, size: int, settings: Settings, cap: float | None, repeat: int
) -> ChainRow:
    module = module_from_definitions(chain_definitions(size), f"chain{size}")
    target = f"c{size - 1}"
    holder: list[Any] = []

    def build() -> Any:
        holder.append(engine.build(module))

    built = best_of(build, repeat, cap, setup=holder.clear)
    if not built.ok:
        missing = Outcome(None, "not built")
        return ChainRow(engine.name, size, built, missing, missing, missing)
    dr = holder[0]

    def call() -> Any:
        return dr.execute([target], inputs={"x": 0})[target]

    first = run_once(call, cap)
    second = run_once(call, cap) if first.ok else Outcome(None, first.note)
    steady = best_of(call, repeat, cap) if second.ok else Outcome(None, second.note)
    for outcome in (first, second, steady):
        if outcome.ok and outcome.value != size - 1:
            outcome.seconds, outcome.note = None, "WRONG RESULT"
    return ChainRow(engine.name, size, built, first, second, steady)


def section_chains(engine: Engine, settings: Settings, cap: float | None) -> list[ChainRow]:
    if engine.name == "hamilton_nb":
        return [bench_chain(engine, CHAIN_SIZE, settings, cap, 1 if settings.quick else 3)]
    return [bench_chain(engine, HAMILTON_CHAIN_SIZE, settings, cap, 1)]


# -- 3. fan-out ----------------------------------------------------------------------------


@dataclass
class FanRow:
    engine: str
    items: int
    first: Outcome
    steady: Outcome


def bench_fan(
    engine: Engine, sizes: tuple[int, ...], settings: Settings, cap: float | None
) -> list[FanRow]:
    module = module_from_definitions([FAN_SOURCE.format(package=engine.name)], "fan")
    dr = engine.build(module, dynamic=True)
    rows = []
    for items in sizes:
        if engine.name == "hamilton" and settings.quick and items > 1_000:
            skipped = Outcome(None, "skipped (--quick)")
            rows.append(FanRow(engine.name, items, skipped, skipped))
            continue
        expected = sum(i * i for i in range(items))

        def call(items: int = items) -> Any:
            return dr.execute(["total"], inputs={"n": items})["total"]

        first = run_once(call, cap)
        repeat = 1 if engine.name == "hamilton" else settings.exec_repeat
        steady = best_of(call, repeat, cap) if first.ok else Outcome(None, first.note)
        for outcome in (first, steady):
            if outcome.ok and outcome.value != expected:
                outcome.seconds, outcome.note = None, "WRONG RESULT"
        rows.append(FanRow(engine.name, items, first, steady))
    return rows


@dataclass
class Results:
    dags: list[DagRow] = field(default_factory=list)
    chains: list[ChainRow] = field(default_factory=list)
    fans: list[FanRow] = field(default_factory=list)


def measure(engine: Engine, settings: Settings, plains: dict[int, Outcome]) -> Results:
    """Sections 1-3 for one engine (Hamilton's runs are capped in wall time)."""
    cap = None if engine.name == "hamilton_nb" else settings.hamilton_cap
    sizes = FAN_SIZES if engine.name == "hamilton_nb" else HAMILTON_FAN_SIZES
    progress(f"{engine.name}: generated DAGs")
    dags = section_dags(engine, settings, plains, cap)
    progress(f"{engine.name}: deep chain")
    chains = section_chains(engine, settings, cap)
    gc.collect()
    progress(f"{engine.name}: fan-out")
    fans = bench_fan(engine, sizes, settings, cap)
    return Results(dags, chains, fans)


def progress(message: str) -> None:
    print(f"  measuring {message} ...", file=sys.stderr, flush=True)


# -- 4. import time ------------------------------------------------------------------------


def _run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, check=True, env=env
    )


def import_cumulative_us(module: str, runs: int, env: dict[str, str]) -> float:
    """Median cumulative microseconds ``-X importtime`` reports for ``module``."""
    values = []
    for _ in range(runs):
        stderr = _run_python(env, "-X", "importtime", "-c", f"import {module}").stderr
        for line in stderr.splitlines():
            parts = line.split("|")
            if line.startswith("import time:") and len(parts) == 3:
                if parts[2].strip() == module:
                    values.append(float(parts[1]))
    return statistics.median(values) if values else float("nan")


def import_wall_ms(module: str, runs: int, env: dict[str, str]) -> float:
    """Median wall ms of ``python -c 'import module'`` minus that of ``python -c pass``."""
    with_import, bare = [], []
    for _ in range(runs):
        for code, sink in ((f"import {module}", with_import), ("pass", bare)):
            start = time.perf_counter()
            _run_python(env, "-c", code)
            sink.append((time.perf_counter() - start) * 1e3)
    return statistics.median(with_import) - statistics.median(bare)


@dataclass
class ImportRow:
    module: str
    bytecode: str  # which bytecode-cache situation the subprocesses ran in
    cumulative_ms: float
    wall_ms: float | None = None


def import_environments(cache_dir: str) -> list[tuple[str, dict[str, str]]]:
    """The environment as it is, and one where compiled bytecode is cached.

    The second writes ``.pyc`` files under ``cache_dir`` (``PYTHONPYCACHEPREFIX``), never
    into the source tree, and is warmed up once so every module is read from bytecode.
    """
    as_is = dict(os.environ)
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = cache_dir
    label = "as is" + (" (PYTHONDONTWRITEBYTECODE)" if "PYTHONDONTWRITEBYTECODE" in as_is else "")
    return [(label, as_is), ("cached .pyc", cached)]


def section_import(with_hamilton: bool, settings: Settings) -> list[ImportRow]:
    runs = settings.import_runs
    modules = ["hamilton_nb", "hamilton_nb.driver"] + (["hamilton.driver"] if with_hamilton else [])
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as cache_dir:
        for label, env in import_environments(cache_dir):
            for module in modules:
                if "PYTHONPYCACHEPREFIX" in env:
                    _run_python(env, "-c", f"import {module}")  # fills the bytecode cache
                module_runs = runs
                if module.startswith("hamilton."):  # slow to import: a reference only
                    module_runs = 1 if settings.quick else 3
                cumulative = import_cumulative_us(module, module_runs, env) / 1e3
                wall = import_wall_ms(module, runs, env) if module == "hamilton_nb" else None
                rows.append(ImportRow(module, label, cumulative, wall))
    return rows


# -- report --------------------------------------------------------------------------------


def fmt(outcome: Outcome, scale: float, digits: int = 2) -> str:
    if not outcome.ok:
        return outcome.note
    return f"{outcome.seconds * scale:,.{digits}f}"  # type: ignore[operator]


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    out = [headers, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in out
    )


def report_dags(rows: list[DagRow]) -> str:
    lines = []
    for r in rows:
        n = r.size
        ratio = overhead = "-"
        if r.steady.ok and r.plain.ok:
            ratio = f"{r.steady.seconds / r.plain.seconds:.2f}x"  # type: ignore[operator]
            extra = (r.steady.seconds - r.plain.seconds) / n * 1e6  # type: ignore[operator]
            overhead = f"{extra:+.3f}"
        lines.append(
            [
                f"{n:,}",
                r.engine,
                fmt(r.build, 1e6 / n),
                fmt(r.first, 1e3),
                fmt(r.second, 1e3),
                fmt(r.steady, 1e6 / n, 3),
                fmt(r.plain, 1e6 / n, 3),
                ratio,
                overhead,
            ]
        )
    headers = [
        "nodes",
        "engine",
        "build us/node",
        "1st call ms",
        "2nd call ms",
        "exec us/node",
        "plain us/node",
        "exec/plain",
        "overhead us/node",
    ]
    return table(headers, lines)


def report_chains(rows: list[ChainRow]) -> str:
    lines = [
        [
            r.engine,
            f"{r.size:,}",
            fmt(r.build, 1e3, 1),
            fmt(r.first, 1e3, 1),
            fmt(r.second, 1e3, 1),
            fmt(r.steady, 1e3, 2),
            fmt(r.steady, 1e6 / r.size, 3),
        ]
        for r in rows
    ]
    headers = [
        "engine",
        "chain depth",
        "build ms",
        "1st call ms",
        "2nd call ms",
        "exec ms",
        "exec us/node",
    ]
    return table(headers, lines)


def report_fan(rows: list[FanRow]) -> str:
    lines = [
        [
            r.engine,
            f"{r.items:,}",
            fmt(r.first, 1e3, 1),
            fmt(r.steady, 1e3, 1),
            fmt(r.steady, 1e6 / r.items, 2),
        ]
        for r in rows
    ]
    return table(["engine", "items", "1st call ms", "best ms", "us/item"], lines)


def report_import(rows: list[ImportRow]) -> str:
    lines = [
        [
            r.module,
            r.bytecode,
            f"{r.cumulative_ms:.1f}",
            "-" if r.wall_ms is None else f"{r.wall_ms:.1f}",
        ]
        for r in rows
    ]
    headers = ["import", "bytecode", "importtime cumulative ms", "wall ms minus `python -c pass`"]
    return table(headers, lines)


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "ok" if ok else "MISS"


def scaled(outcome: Outcome, factor: float) -> float | None:
    return None if outcome.seconds is None else outcome.seconds * factor


def report_targets(
    dags: list[DagRow],
    chains: list[ChainRow],
    fans: list[FanRow],
    imports: list[ImportRow],
    *extra: list[str],
) -> str:
    ours_dag = {r.size: r for r in dags if r.engine == "hamilton_nb"}
    mid = ours_dag[1_000]
    steady, plain = scaled(mid.steady, 1.0), scaled(mid.plain, 1.0)
    ratio = steady / plain if steady is not None and plain is not None else None
    builds = {n: scaled(r.build, 1e6 / n) for n, r in ours_dag.items()}
    build_values = [b for b in builds.values() if b is not None]
    worst_build = max(build_values) if len(build_values) == len(builds) else None
    chain = chains[0]
    fan = {r.items: scaled(r.steady, 1e6 / r.items) for r in fans if r.engine == "hamilton_nb"}
    fan_values = [f for f in fan.values() if f is not None]
    worst_fan = max(fan_values) if len(fan_values) == len(fan) else None
    first, last = fan[FAN_SIZES[0]], fan[FAN_SIZES[-1]]
    linear = last / first if first is not None and last is not None else None
    import_ms = max(r.cumulative_ms for r in imports if r.module == "hamilton_nb")
    lines = [
        [
            "execute overhead <= 2x plain chain (1,000-node DAG)",
            "-" if ratio is None else f"{ratio:.2f}x",
            verdict(None if ratio is None else ratio <= TARGET_OVERHEAD_RATIO),
        ],
        [
            "build <= 10 us/node (100 / 1,000 / 10,000-node DAGs)",
            ", ".join("-" if b is None else f"{b:.1f}" for b in builds.values()),
            verdict(None if worst_build is None else worst_build <= TARGET_BUILD_US_PER_NODE),
        ],
        [
            f"{CHAIN_SIZE:,}-node chain builds and runs (recursion limit "
            f"{sys.getrecursionlimit()})",
            f"build {fmt(chain.build, 1, 2)} s, run {fmt(chain.steady, 1e3, 1)} ms"
            if chain.steady.ok
            else chain.steady.note,
            verdict(chain.steady.ok),
        ],
        [
            "fan-out <= 30 us/item (1k / 10k / 100k items)",
            ", ".join("-" if f is None else f"{f:.2f}" for f in fan.values()),
            verdict(None if worst_fan is None else worst_fan <= TARGET_FAN_US_PER_ITEM),
        ],
        [
            "fan-out linear: us/item at 100k / at 1k <= 1.5",
            "-" if linear is None else f"{linear:.2f}",
            verdict(None if linear is None else linear <= TARGET_FAN_LINEARITY),
        ],
        [
            "import hamilton_nb <= 100 ms (importtime cumulative, worst)",
            f"{import_ms:.1f} ms",
            verdict(import_ms <= TARGET_IMPORT_MS),
        ],
        *extra,
    ]
    return table(["target", "measured", "status"], lines)


def header(settings: Settings) -> str:
    import hamilton_nb

    return (
        f"hamilton_nb {hamilton_nb.__version__} vs apache-hamilton "
        f"{hamilton_version() or 'not installed'}; Python {platform.python_version()} on "
        f"{platform.machine()}, {os.cpu_count()} cores; "
        f"{'--quick' if settings.quick else 'full run'}; recursion limit "
        f"{sys.getrecursionlimit()}; {load_average()}"
    )


def load_average() -> str:
    """The 1-minute load average: other processes on the machine skew every figure."""
    if not hasattr(os, "getloadavg"):
        return "load average unknown"
    return f"load average {os.getloadavg()[0]:.2f}"


def engine_order(row: Any) -> tuple[int, bool]:
    return (getattr(row, "size", 0) or getattr(row, "items", 0), row.engine != "hamilton_nb")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (~30 s)")
    args = parser.parse_args(argv)
    settings = settings_for(args.quick)
    started = time.perf_counter()
    print(header(settings), flush=True)

    import bench_decorators

    plains: dict[int, Outcome] = {}
    ours = measure(load_ours(), settings, plains)
    progress("hamilton_nb: decorators")
    decorators = bench_decorators.measure_decorators(load_ours(), settings)
    hamilton = load_hamilton()
    theirs = measure(hamilton, settings, plains) if hamilton is not None else Results()
    if hamilton is not None:
        progress("hamilton: decorators")
        decorators += bench_decorators.measure_decorators(hamilton, settings)
    progress("import times")
    imports = section_import(hamilton is not None, settings)

    dags = sorted(ours.dags + theirs.dags, key=engine_order)
    fans = ours.fans + theirs.fans
    print("\n1. Generated DAGs: node i sums nodes i-1, i-2, i-3; execute after warm-up")
    print(report_dags(dags))
    print(
        f"\n2. Deep chains: node i depends on node i-1 (recursion limit {sys.getrecursionlimit()})"
    )
    print(report_chains(ours.chains + theirs.chains))
    print("\n3. Parallelizable fan-out, sequential executor: items -> sq -> Collect total")
    print(report_fan(fans))
    print("\n4. Cold import (median of subprocess runs)")
    print(report_import(imports))
    print("\n5. Decorator resolution: build time per generated node")
    print(bench_decorators.report_decorators(decorators))
    print("\nTargets (hamilton_nb)")
    print(
        report_targets(dags, ours.chains, fans, imports, bench_decorators.target_line(decorators))
    )
    print(f"\ntotal benchmark time {time.perf_counter() - started:.1f} s; {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
