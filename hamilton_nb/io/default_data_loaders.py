"""Built-in adapters for plain Python values: json, yaml, pickle, file (text; bytes too when
saving), environment, literal, memory.

Listed in ``ADAPTERS`` and registered by ``registry.ensure_builtins`` on first use. yaml
needs PyYAML, imported only when a yaml file is read or written.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import pickle
from collections.abc import Collection
from typing import Any

from hamilton_nb.io import optional_deps
from hamilton_nb.io.data_adapters import DataLoader, DataSaver
from hamilton_nb.io.utils import get_file_metadata

FilePath = str | os.PathLike


@dataclasses.dataclass
class JSONDataLoader(DataLoader):
    """``json``: a dict or list read from a JSON file."""

    path: FilePath

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [dict, list]

    @classmethod
    def name(cls) -> str:
        return "json"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        with open(self.path, encoding="utf-8") as handle:
            return json.load(handle), get_file_metadata(self.path)


@dataclasses.dataclass
class JSONDataSaver(DataSaver):
    """``json``: write a dict or list as a JSON file."""

    path: FilePath

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [dict, list]

    @classmethod
    def name(cls) -> str:
        return "json"

    def save_data(self, data: Any) -> dict[str, Any]:
        with open(self.path, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        return get_file_metadata(self.path)


@dataclasses.dataclass
class PickleLoader(DataLoader):
    """``pickle``: any object read from a pickle file."""

    path: FilePath

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [object, Any]

    @classmethod
    def name(cls) -> str:
        return "pickle"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        with open(self.path, "rb") as handle:
            return pickle.load(handle), get_file_metadata(self.path)


@dataclasses.dataclass
class PickleSaver(DataSaver):
    """``pickle``: write any picklable object to a file."""

    path: FilePath

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [object, Any]

    @classmethod
    def name(cls) -> str:
        return "pickle"

    def save_data(self, data: Any) -> dict[str, Any]:
        with open(self.path, "wb") as handle:
            pickle.dump(data, handle)
        return get_file_metadata(self.path)


@dataclasses.dataclass
class RawFileDataLoader(DataLoader):
    """``file``: the text of a file."""

    path: FilePath
    encoding: str = "utf-8"

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [str]

    @classmethod
    def name(cls) -> str:
        return "file"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        with open(self.path, encoding=self.encoding) as handle:
            return handle.read(), get_file_metadata(self.path)


@dataclasses.dataclass
class RawFileDataSaver(DataSaver):
    """``file``: write a string to a file."""

    path: FilePath
    encoding: str = "utf-8"

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [str]

    @classmethod
    def name(cls) -> str:
        return "file"

    def save_data(self, data: Any) -> dict[str, Any]:
        with open(self.path, "w", encoding=self.encoding) as handle:
            handle.write(data)
        return get_file_metadata(self.path)


@dataclasses.dataclass
class RawFileDataSaverBytes(DataSaver):
    """``file``: write ``bytes`` (or a ``BytesIO``'s content) to a file."""

    path: FilePath

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [bytes, io.BytesIO]

    @classmethod
    def name(cls) -> str:
        return "file"

    def save_data(self, data: Any) -> dict[str, Any]:
        content = data.getvalue() if isinstance(data, io.BytesIO) else data
        with open(self.path, "wb") as handle:
            handle.write(content)
        return get_file_metadata(self.path)


YAML_TYPES: tuple[type, ...] = (str, int, float, bool, dict, list)


def _yaml(adapter: type) -> Any:
    optional_deps.require(f"kind 'yaml' ({adapter.__name__})", "yaml")
    import yaml

    return yaml


@dataclasses.dataclass
class YAMLDataLoader(DataLoader):
    """``yaml``: a str, number, bool, dict or list read with ``yaml.safe_load``."""

    path: FilePath

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return list(YAML_TYPES)

    @classmethod
    def name(cls) -> str:
        return "yaml"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        yaml = _yaml(type(self))
        with open(self.path, encoding="utf-8") as handle:
            return yaml.safe_load(handle), get_file_metadata(self.path)


@dataclasses.dataclass
class YAMLDataSaver(DataSaver):
    """``yaml``: write a str, number, bool, dict or list with ``yaml.dump``."""

    path: FilePath

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return list(YAML_TYPES)

    @classmethod
    def name(cls) -> str:
        return "yaml"

    def save_data(self, data: Any) -> dict[str, Any]:
        yaml = _yaml(type(self))
        with open(self.path, "w", encoding="utf-8") as handle:
            yaml.dump(data, handle)
        return get_file_metadata(self.path)


@dataclasses.dataclass
class EnvVarDataLoader(DataLoader):
    """``environment``: ``{name: os.environ[name]}`` for each of ``names`` (no metadata).

    Raises ``KeyError`` naming the first variable that is not set, ``TypeError`` when
    ``names`` is a single string rather than a sequence of names."""

    names: tuple[str, ...]

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [dict]

    @classmethod
    def name(cls) -> str:
        return "environment"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        if isinstance(self.names, str):
            raise TypeError(
                f"environment(names={self.names!r}): names is a sequence of variable names; "
                f"write names=({self.names!r},)."
            )
        missing = [name for name in self.names if name not in os.environ]
        if missing:
            raise KeyError(
                f"environment variable {missing[0]!r} is not set "
                f"(environment(names={tuple(self.names)!r}))."
            )
        return {name: os.environ[name] for name in self.names}, {}


@dataclasses.dataclass
class LiteralValueDataLoader(DataLoader):
    """``literal``: the given ``value`` itself (no metadata)."""

    value: Any

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [Any]

    @classmethod
    def name(cls) -> str:
        return "literal"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self.value, {}


@dataclasses.dataclass
class InMemoryResult(DataSaver):
    """``memory``: keep the value; it is returned as the materialization metadata."""

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        return [Any]

    @classmethod
    def name(cls) -> str:
        return "memory"

    def save_data(self, data: Any) -> Any:
        return data


ADAPTERS: list[type[DataLoader] | type[DataSaver]] = [
    JSONDataLoader,
    JSONDataSaver,
    PickleLoader,
    PickleSaver,
    RawFileDataLoader,
    RawFileDataSaver,
    RawFileDataSaverBytes,
    YAMLDataLoader,
    YAMLDataSaver,
    EnvVarDataLoader,
    LiteralValueDataLoader,
    InMemoryResult,
]
