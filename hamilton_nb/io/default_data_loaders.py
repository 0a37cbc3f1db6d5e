"""Built-in adapters for any Python value: json, pickle, file (text), literal, memory.

Listed in ``ADAPTERS`` and registered by ``registry.ensure_builtins`` on first use.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
from collections.abc import Collection
from typing import Any

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
    LiteralValueDataLoader,
    InMemoryResult,
]
