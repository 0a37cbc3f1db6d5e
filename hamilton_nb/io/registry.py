"""The data-adapter registry: which loader and saver classes exist for each kind.

Responsibilities:
- ``register_adapter(cls)``: adds a ``DataLoader``/``DataSaver`` class under its ``name()``;
  a malformed class is rejected at registration, naming the class and the fix; a redefined
  class (same module and name, e.g. a re-run notebook cell) replaces the earlier one.
  ``unregister_adapter(cls)`` removes one.
- The built-in kinds are registered lazily, on the first lookup, never when a module is
  imported; later registrations win over earlier ones for the same kind and type.
- ``select``: the adapter of a kind for a value type, or an error naming the kind, the type,
  what the kind handles and which kinds handle the type.
- ``KindNamespace``: the metaclass behind ``load_from.<kind>``, ``save_to.<kind>``,
  ``to.<kind>`` and ``from_.<kind>`` (with tab completion of the kinds).
"""

from __future__ import annotations

import importlib
import inspect
import keyword
import threading
from collections.abc import Collection
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.io.data_adapters import (
    AdapterCommon,
    DataLoader,
    DataSaver,
    is_wildcard,
    match_rank,
)

LOADER_REGISTRY: dict[str, list[type[DataLoader]]] = {}
SAVER_REGISTRY: dict[str, list[type[DataSaver]]] = {}

_BUILTIN_MODULES = (
    "hamilton_nb.io.default_data_loaders",
    "hamilton_nb.io.pandas_adapters",
    "hamilton_nb.io.pandas_formats",
    "hamilton_nb.io.pandas_excel",
    "hamilton_nb.io.pandas_sql",
    "hamilton_nb.plugins.polars_extensions",  # empty when polars is not installed
)
_builtins_loaded = False
_builtins_lock = threading.Lock()
_selected: dict[tuple[str, Any, bool], type[AdapterCommon] | None] = {}


def ensure_builtins() -> None:
    """Register the built-in adapters once (each built-in module lists them in ``ADAPTERS``)."""
    global _builtins_loaded
    if _builtins_loaded:
        return
    with _builtins_lock:
        if _builtins_loaded:
            return
        for module_name in _BUILTIN_MODULES:
            for adapter in importlib.import_module(module_name).ADAPTERS:
                _add(adapter)
        _builtins_loaded = True


def register_adapter(adapter: Any) -> None:
    """Make ``adapter`` (a dataclass subclassing ``DataLoader`` and/or ``DataSaver``) available
    as ``load_from.<name>`` / ``save_to.<name>`` / ``from_.<name>`` / ``to.<name>``.

    Raises ``AdapterError`` naming the class when it cannot work as an adapter.
    """
    ensure_builtins()
    _check_adapter(adapter)
    _add(adapter)


def _add(adapter: type[AdapterCommon]) -> None:
    kind = adapter.name()
    if adapter.can_load():
        _append(LOADER_REGISTRY.setdefault(kind, []), adapter)
    if adapter.can_save():
        _append(SAVER_REGISTRY.setdefault(kind, []), adapter)
    _selected.clear()


def _append(adapters: list[Any], adapter: type[AdapterCommon]) -> None:
    # Registering again, or registering a redefinition (a re-run notebook cell: same module
    # and qualified name), replaces the earlier class and moves it last (it wins again).
    identity = (adapter.__module__, adapter.__qualname__)
    adapters[:] = [a for a in adapters if (a.__module__, a.__qualname__) != identity]
    adapters.append(adapter)


def unregister_adapter(adapter: type[AdapterCommon]) -> None:
    """Remove ``adapter`` from its kind (the kind disappears with its last adapter)."""
    for table in (LOADER_REGISTRY, SAVER_REGISTRY):
        for kind, adapters in list(table.items()):
            if adapter in adapters:
                adapters.remove(adapter)
                if not adapters:
                    del table[kind]
    _selected.clear()


def _check_adapter(adapter: Any) -> None:
    label = getattr(adapter, "__qualname__", repr(adapter))
    if not (isinstance(adapter, type) and issubclass(adapter, (DataLoader, DataSaver))):
        raise errors.AdapterError(
            f"register_adapter({label!r}): an adapter is a class subclassing "
            "hamilton_nb.io.data_adapters.DataLoader or DataSaver."
        )
    if inspect.isabstract(adapter):
        missing = ", ".join(sorted(adapter.__abstractmethods__))
        raise errors.AdapterError(
            f"register_adapter({label!r}): the class does not implement {missing}."
        )
    try:
        adapter.arguments()
    except TypeError as exc:
        raise errors.AdapterError(f"register_adapter({label!r}): {exc}") from exc
    kind = adapter.name()
    if not isinstance(kind, str) or not kind.isidentifier() or keyword.iskeyword(kind):
        raise errors.AdapterError(
            f"register_adapter({label!r}): name() must return a Python identifier (it becomes "
            f"load_from.<name>), got {kind!r}."
        )


def registry_for(loading: bool) -> dict[str, list[Any]]:
    """The loader registry when ``loading``, else the saver registry (built-ins included)."""
    ensure_builtins()
    return LOADER_REGISTRY if loading else SAVER_REGISTRY


def kinds(loading: bool) -> list[str]:
    """Sorted kind names that can load (``loading``) or save."""
    return sorted(registry_for(loading))


def unknown_kind_message(accessor: str, kind: str, loading: bool) -> str:
    known = kinds(loading)
    return (
        f"{accessor} has no kind {kind!r}{errors.did_you_mean(kind, known)}. "
        f"Available kinds: {', '.join(known)}. "
        "Add kinds with hamilton_nb.registry.register_adapter(cls)."
    )


def _rank(adapter: type[AdapterCommon], type_: Any, loading: bool) -> int:
    if not adapter.applies_to(type_):
        return 0
    return match_rank(adapter.applicable_types(), type_, loading=loading) or 1


def find(kind: str, type_: Any, *, loading: bool) -> type[AdapterCommon] | None:
    """The adapter of ``kind`` for values annotated ``type_`` (most specific; among equals,
    the last registered), or None."""
    key = (kind, type_, loading)
    try:
        return _selected[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation: do not cache
        key = None  # type: ignore[assignment]
    best, best_rank, tied = None, 0, 0
    for adapter in registry_for(loading).get(kind, ()):
        rank = _rank(adapter, type_, loading)
        if rank and rank >= best_rank:
            tied = tied + 1 if rank == best_rank else 1
            best, best_rank = adapter, rank
    if best_rank == 1 and tied > 1 and is_wildcard(type_):
        best = None  # an ``Any`` parameter and several specific adapters: ambiguous
    if key is not None:
        _selected[key] = best
    return best


def select(
    kind: str, type_: Any, *, loading: bool, where: object, what: str
) -> type[AdapterCommon]:
    """Like ``find``, but raise ``InvalidDecoratorError`` when nothing applies: the message names
    ``where`` (the decorator use, formatted only then), ``what`` is being loaded/saved, its
    type, what ``kind`` handles and the kinds that fit."""
    adapter = find(kind, type_, loading=loading)
    if adapter is not None:
        return adapter
    verb = "load" if loading else "save"
    handled = _type_names(registry_for(loading).get(kind, ()))
    fitting = [k for k in kinds(loading) if find(k, type_, loading=loading) is not None]
    fix = (
        f"Annotate {what} with the type to {verb}."
        if is_wildcard(type_)
        else f"Kinds that {verb} {htypes.type_name(type_)}: {', '.join(fitting) or 'none'}."
    )
    raise errors.InvalidDecoratorError(
        f"{where}: kind {kind!r} cannot {verb} {what} of type {htypes.type_name(type_)} "
        f"({kind} {verb}s {handled or 'nothing'}). {fix}"
    )


def _type_names(adapters: Collection[type[AdapterCommon]]) -> str:
    names: list[str] = []
    for adapter in adapters:
        for tp in adapter.applicable_types():
            name = "any value" if tp in (Any, object) else htypes.type_name(tp)
            if name not in names:
                names.append(name)
    return ", ".join(names)


def argument_names(kind: str, loading: bool) -> list[str]:
    """Every argument accepted by some adapter of ``kind`` (for early checks and help)."""
    names: list[str] = []
    for adapter in registry_for(loading).get(kind, ()):
        names.extend(n for n in adapter.arguments() if n not in names)
    return names


def check_kind_arguments(kind: str, given: Collection[str], *, loading: bool, where: str) -> None:
    """Raise ``InvalidDecoratorError`` for an argument no adapter of ``kind`` accepts."""
    accepted = argument_names(kind, loading)
    for name in given:
        if name not in accepted:
            raise errors.InvalidDecoratorError(
                f"{where}: unknown argument {name!r}{errors.did_you_mean(name, accepted)}; "
                f"kind {kind!r} takes: {', '.join(accepted) or 'no arguments'}."
            )


def describe_kind(kind: str, loading: bool) -> str:
    """Help text: the adapters of ``kind`` and their arguments."""
    lines = [f"Kind {kind!r}; adapters (the value's type picks one) and their arguments:"]
    for adapter in registry_for(loading).get(kind, ()):
        arguments = ", ".join(
            f"{n}{'' if a.required else '=...'}" for n, a in adapter.arguments().items()
        )
        lines.append(f"  {adapter.__name__}({arguments})")
    return "\n".join(lines)


class KindNamespace(type):
    """Metaclass: ``cls.<kind>`` returns ``cls._for_kind(kind)`` for every registered kind.

    Classes using it set ``_loading`` (True: loader kinds) and ``_accessor`` (for errors).
    """

    _loading: bool
    _accessor: str

    def __getattr__(cls, kind: str) -> Any:
        if kind.startswith("_"):
            raise AttributeError(kind)
        if kind not in registry_for(cls._loading):
            raise AttributeError(unknown_kind_message(cls._accessor, kind, cls._loading))
        return cls._for_kind(kind)  # type: ignore[attr-defined]

    def __dir__(cls) -> list[str]:
        return sorted({*super().__dir__(), *kinds(cls._loading)})
