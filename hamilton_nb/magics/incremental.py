"""Incremental execution: reuse the results of nodes whose fingerprint did not change.

Responsibilities:
- ``IncrementalSession.execute``: fingerprint the nodes a request needs, pass the results
  held for unchanged ones to the driver as overrides (so nothing upstream of them runs),
  compute the rest, and hold the new results keyed by fingerprint.
- Bound the memory held (least recently used results go first) and report it (``status``).

Nothing stale is served: a held result is used only under the exact fingerprint it was
computed for (code, config, upstream fingerprints, input and override values). A mutable
result is hashed the moment its node returns (a node hook added for the run) and re-hashed
before reuse, so a value mutated in place afterwards (by a downstream node, or by the user)
is recomputed instead; a mutable result that cannot be hashed is not held. Nodes inside
``Parallelizable`` blocks always run with their block; loaders and savers always run.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hamilton_nb.execution.record import ExecutionRecord
from hamilton_nb.lifecycle import api
from hamilton_nb.lifecycle.hooks import HookSet
from hamilton_nb.magics import fingerprint as fp
from hamilton_nb.node import NodeType

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB
ENTRY_OVERHEAD = 256  # bytes of bookkeeping counted per held result
_SAMPLE = 1000  # containers longer than this are sized from a sample of their items
_IMMUTABLE = (type(None), bool, int, float, complex, str, bytes, range)

CURRENT = "current"  # the result for the node's latest fingerprint is held
STALE = "stale"  # only results for earlier fingerprints are held
NOT_HELD = "not held"


@dataclasses.dataclass
class _Entry:
    name: str
    module: str  # the node's "module" tag: forget(module) drops the module's results
    value: Any
    nbytes: int
    digest: str | None  # content digest of a mutable value, checked before reuse


@dataclasses.dataclass(frozen=True)
class NodeMemory:
    """One node in ``SessionStatus``: whether its latest result is held, and how big it is.

    ``fingerprint`` is None for nodes that are never reused (inside a parallel block,
    loaders/savers, or depending on something that cannot be hashed)."""

    name: str
    module: str  # the module defining the node ("" when no module did)
    state: str  # CURRENT, STALE or NOT_HELD
    nbytes: int  # held for this node, all fingerprints together
    fingerprint: str | None


@dataclasses.dataclass(frozen=True)
class SessionStatus:
    """Memory held for reuse: per node last executed (of the modules asked for), and in total
    over the whole session."""

    nodes: list[NodeMemory]
    held_bytes: int
    max_bytes: int
    entries: int

    def __str__(self) -> str:
        width = max([len(n.name) for n in self.nodes] + [4])
        modules = len({n.module for n in self.nodes})
        lines = [
            f"held for reuse: {_human(self.held_bytes)} of {_human(self.max_bytes)} "
            f"({self.entries} result(s))"
        ]
        for node in self.nodes:
            size = _human(node.nbytes) if node.nbytes else "-"
            name = f"{node.module}.{node.name}" if modules > 1 and node.module else node.name
            lines.append(f"  {name:<{width}}  {node.state:<8}  {size}")
        return "\n".join(lines)


def _human(nbytes: int) -> str:
    size = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


class IncrementalSession:
    """Executes drivers, reusing held results of nodes whose fingerprint is unchanged.

    One session serves successive drivers (one per cell run): results are keyed by
    fingerprint, not by driver. At most ``max_bytes`` (estimated) are held. ``root`` is the
    project directory whose modules are hashed by file content (default: the current one).
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, *, root: Any = None) -> None:
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 0:
            raise ValueError(
                f"max_bytes must be a non-negative number of bytes, got {max_bytes!r}."
            )
        self.max_bytes = max_bytes
        self.root = root
        self._entries: OrderedDict[str, _Entry] = OrderedDict()  # LRU order, oldest first
        self._by_name: dict[str, set[str]] = {}
        self._held_bytes = 0
        # module -> node -> fingerprint, from the last execution that ran the module's nodes
        self._latest: dict[str, dict[str, str | None]] = {}

    # -- execution ---------------------------------------------------------------------------

    def execute(
        self,
        dr: Any,
        final_vars: Iterable[Any],
        *,
        inputs: Mapping[str, Any] | None = None,
        overrides: Mapping[str, Any] | None = None,
        fresh: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> tuple[dict[str, Any], ExecutionRecord]:
        """Compute ``final_vars`` with ``dr``, reusing unchanged results; return the requested
        values and the run's record (reused nodes marked ``reused``).

        ``fresh=True`` recomputes everything (and holds the new results). Errors are those of
        ``Driver.raw_execute``; after a failure ``dr.last_run`` holds the record, and the
        session keeps what it held before.
        """
        graph = dr.graph
        names = dr._final_var_names(final_vars)
        graph.require(names, "output")
        inputs = dict(inputs or {})
        overrides = dict(overrides or {})
        provided = _provided(graph, inputs, overrides)
        closure = fp.needed_nodes(graph, names, provided)
        printer = fp.Fingerprinter(self.root)
        fingerprints = fp.node_fingerprints(
            graph, closure, inputs=inputs, overrides=overrides, fingerprinter=printer
        )
        if dr.adapters:  # results computed under other adapters (the user's) are not reused
            context = _adapters_token(dr.adapters)
            fingerprints = {n: f and f + context for n, f in fingerprints.items()}
        reused = {} if fresh else self._reusable(graph, names, provided, fingerprints, printer)
        running = fp.needed_nodes(graph, names, provided | reused.keys())
        extra = [
            n
            for n in graph.sorted(running - provided - reused.keys() - set(names))
            if _storable(graph, n)
        ]
        computed = [
            n
            for n in [*names, *extra]
            if n not in provided
            and n not in reused
            and _storable(graph, n)
            and fingerprints.get(n) is not None
        ]
        recorder = _ResultDigests(printer.root, computed)
        previous_record, hooks = dr.last_run, dr.hooks
        dr.record_timings = True
        dr.hooks = HookSet([*hooks.adapters, recorder])
        try:
            outputs = dr.raw_execute(
                [*names, *extra],
                overrides={**overrides, **reused},
                inputs=inputs,
                _progress=progress,
            )
        except BaseException:
            if dr.last_run is not None and dr.last_run is not previous_record:
                dr.last_run.mark_reused(reused)
            raise
        finally:
            dr.hooks = hooks
        record = dr.last_run
        record.mark_reused(reused)
        for name in reused:
            self._entries.move_to_end(fingerprints[name])  # type: ignore[arg-type]
        for name in computed:
            value = outputs[name]
            if _immutable(value):
                self._hold(graph, name, fingerprints[name], value, None)
                continue
            if name in recorder.digests:
                digest = recorder.digests[name]
            else:  # a Parallelizable node's items, listed after it returned an iterator
                digest = fp.Fingerprinter(printer.root).digest(value)
            if digest is not None:  # else it could not be checked before reuse: not held
                self._hold(graph, name, fingerprints[name], value, digest)
        self._remember(graph, closure - provided, fingerprints)
        return {name: outputs[name] for name in names}, record

    def _reusable(
        self,
        graph: Any,
        names: list[str],
        provided: set[str],
        fingerprints: Mapping[str, str | None],
        printer: fp.Fingerprinter,
    ) -> dict[str, Any]:
        """Held results to pass as overrides: walking up from the outputs, the first node on
        each path whose current fingerprint has a (verified) held result."""
        reused: dict[str, Any] = {}
        seen: set[str] = set()
        stack = list(reversed(names))
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in provided:
                continue
            if _storable(graph, name):
                found, value = self._lookup(fingerprints.get(name), printer)
                if found:
                    reused[name] = value
                    continue
            stack.extend(p for p in graph.nodes[name].input_types if p not in seen)
        return reused

    def _lookup(self, fingerprint: str | None, printer: fp.Fingerprinter) -> tuple[bool, Any]:
        if fingerprint is None:
            return False, None
        entry = self._entries.get(fingerprint)
        if entry is None:
            return False, None
        if entry.digest is not None and printer.digest(entry.value) != entry.digest:
            self._drop(fingerprint)  # mutated in place since it was computed
            return False, None
        return True, entry.value

    # -- memory ------------------------------------------------------------------------------

    def _remember(
        self, graph: Any, names: Iterable[str], fingerprints: Mapping[str, str | None]
    ) -> None:
        """Record the latest fingerprint of each function node in ``names``, replacing what
        was recorded for their modules."""
        latest: dict[str, dict[str, str | None]] = {}
        for name in graph.sorted(names):
            if graph.nodes[name].node_role is not NodeType.EXTERNAL:
                fingerprint = fingerprints[name] if _storable(graph, name) else None
                latest.setdefault(_module_of(graph, name), {})[name] = fingerprint
        self._latest.update(latest)

    def _hold(
        self, graph: Any, name: str, fingerprint: Any, value: Any, digest: str | None
    ) -> None:
        """Hold ``value`` under ``fingerprint``; ``digest`` (None for immutable values) is
        checked before reuse. Evicts least recently used results to stay within bounds."""
        nbytes = estimate_size(value) + ENTRY_OVERHEAD
        if fingerprint in self._entries:
            self._drop(fingerprint)
        if nbytes > self.max_bytes:
            return
        while self._held_bytes + nbytes > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))
        self._entries[fingerprint] = _Entry(name, _module_of(graph, name), value, nbytes, digest)
        self._by_name.setdefault(name, set()).add(fingerprint)
        self._held_bytes += nbytes

    def _drop(self, fingerprint: str) -> None:
        entry = self._entries.pop(fingerprint)
        self._held_bytes -= entry.nbytes
        fingerprints = self._by_name.get(entry.name)
        if fingerprints is not None:
            fingerprints.discard(fingerprint)
            if not fingerprints:
                del self._by_name[entry.name]

    def clear(self) -> None:
        """Forget every held result (the next execution recomputes everything)."""
        self._entries.clear()
        self._by_name.clear()
        self._held_bytes = 0
        self._latest.clear()

    def forget(self, module: str) -> int:
        """Drop the held results of the nodes defined by ``module`` (a cell module's name);
        return how many were dropped."""
        dropped = [f for f, entry in self._entries.items() if entry.module == module]
        for fingerprint in dropped:
            self._drop(fingerprint)
        self._latest.pop(module, None)
        return len(dropped)

    @property
    def held_bytes(self) -> int:
        """Estimated bytes held for reuse, bookkeeping included."""
        return self._held_bytes

    def status(self, modules: str | Iterable[str] | None = None) -> SessionStatus:
        """Per node last executed (of ``modules``, default all): is the result for its latest
        fingerprint held (``current``), only results for earlier ones (``stale``), or nothing
        (``not held``); and the bytes held for it. Totals cover the whole session."""
        if isinstance(modules, str):
            modules = [modules]
        wanted = list(self._latest) if modules is None else list(modules)
        nodes = []
        for module in wanted:
            for name, fingerprint in self._latest.get(module, {}).items():
                held = [f for f in self._by_name.get(name, ()) if self._entries[f].module == module]
                state = CURRENT if fingerprint in held else STALE if held else NOT_HELD
                nbytes = sum(self._entries[f].nbytes for f in held)
                nodes.append(NodeMemory(name, module, state, nbytes, fingerprint))
        return SessionStatus(nodes, self._held_bytes, self.max_bytes, len(self._entries))


class _ResultDigests(api.NodeExecutionHook):
    """Digests of the mutable results of ``names``, taken as each node returns.

    Pickled into worker processes (with a parallel executor) it does nothing there: the nodes
    it watches run in the driver's process."""

    def __init__(self, root: str | None, names: Iterable[str]) -> None:
        self.root = root
        self.names = frozenset(names)
        self.digests: dict[str, str | None] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"root": None, "names": frozenset(), "digests": {}}

    def run_before_node_execution(self, *, node_name: str, **future_kwargs: Any) -> None:
        """Nothing to do before a node runs."""

    def run_after_node_execution(
        self, *, node_name: str, result: Any, success: bool, **future_kwargs: Any
    ) -> None:
        if success and node_name in self.names and not _immutable(result):
            if not _is_iterator(result):  # a fresh printer: memos could predate the run
                self.digests[node_name] = fp.Fingerprinter(self.root).digest(result)


def _is_iterator(value: Any) -> bool:
    return hasattr(value, "__next__") and hasattr(value, "__iter__")


_ADAPTER_TOKEN = "__hamilton_nb_adapter_token__"
_adapter_tokens = iter(range(1, sys.maxsize))


def _adapters_token(adapters: Iterable[Any]) -> str:
    """Identifies this set of adapter objects: a new builder's ``PrintLn()`` (or any adapter
    that may change how nodes run) means the nodes run again, so its hooks see them."""
    tokens = []
    for adapter in adapters:
        token = getattr(adapter, _ADAPTER_TOKEN, None)
        if token is None:
            token = next(_adapter_tokens)
            try:
                setattr(adapter, _ADAPTER_TOKEN, token)
            except (AttributeError, TypeError):  # slots or a frozen class: identity instead
                token = f"id{id(adapter)}"
        tokens.append(f"{type(adapter).__qualname__}:{token}")
    return "|adapters=" + ",".join(tokens)


def _provided(graph: Any, inputs: Mapping[str, Any], overrides: Mapping[str, Any]) -> set[str]:
    """Nodes whose value the request supplies: overrides, inputs, and config values."""
    provided = {n for n in (*inputs, *overrides) if n in graph.nodes}
    provided.update(
        n
        for n in graph.config
        if n in graph.nodes and graph.nodes[n].node_role is NodeType.EXTERNAL
    )
    return provided


def _module_of(graph: Any, name: str) -> str:
    module = graph.nodes[name].tags.get("module", "")
    return module if isinstance(module, str) else ""


def _storable(graph: Any, name: str) -> bool:
    """Whether ``name``'s result may be held and reused: a function node outside any
    ``Parallelizable`` block (per-item values run with their block)."""
    node = graph.nodes[name]
    return node.node_role is not NodeType.EXTERNAL and not graph.block_paths.get(name)


def _immutable(value: Any, depth: int = 0) -> bool:
    if isinstance(value, _IMMUTABLE) and type(value) in _IMMUTABLE:
        return True
    if type(value) in (tuple, frozenset) and depth < 3 and len(value) <= _SAMPLE:
        return all(_immutable(item, depth + 1) for item in value)
    return False


def estimate_size(value: Any, depth: int = 0) -> int:
    """Approximate bytes of ``value`` and what it holds: pandas ``memory_usage(deep=True)``,
    numpy ``nbytes``, containers item by item (sampled beyond 1,000 items), objects through
    their ``__dict__``; ``sys.getsizeof`` otherwise."""
    module = type(value).__module__ or ""
    if module.startswith("pandas"):
        usage = getattr(value, "memory_usage", None)
        if usage is not None:
            try:
                total = usage(deep=True)
                return int(total.sum() if hasattr(total, "sum") else total)
            except (TypeError, ValueError):
                pass
    if module.startswith("numpy") and hasattr(value, "nbytes"):
        return int(value.nbytes) + 112
    try:
        size = sys.getsizeof(value)
    except TypeError:
        size = 64
    if depth >= 4:
        return size
    if isinstance(value, dict):
        items: list[Any] = [*_sample(value.keys()), *_sample(value.values())]
        count = len(value) * 2
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = _sample(value)
        count = len(value)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        return size + estimate_size(vars(value), depth + 1)
    else:
        return size
    if not items:
        return size
    sampled = sum(estimate_size(item, depth + 1) for item in items)
    return size + sampled * count // len(items)


def _sample(values: Iterable[Any]) -> list[Any]:
    sample = []
    for i, value in enumerate(values):
        if i >= _SAMPLE:
            break
        sample.append(value)
    return sample
