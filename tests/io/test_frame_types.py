"""The dataframe-type registry, extension loading and the execution-manager plumbing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hamilton_nb import errors, registry


def test_pandas_is_registered_on_first_use_and_dispatches() -> None:
    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2]})
    assert registry.get_column(frame, "a").tolist() == [1, 2]
    assert registry.fill_with_scalar(frame, "b", 3)["b"].tolist() == [3, 3]
    assert registry.get_column_type_from_df_type(pd.DataFrame) is pd.Series
    with pytest.raises(NotImplementedError, match="register"):
        registry.get_column({}, "a")
    with pytest.raises(errors.UnsupportedDataFrameError):
        registry.get_column_type_from_df_type(dict)


def test_user_registered_types_are_listed() -> None:
    class Frame:
        pass

    class Col:
        pass

    registry.register_types("toy", Frame, Col)
    registry.get_column.register(Frame, lambda df, name: f"col {name}")
    assert registry.get_registered_dataframe_types()["toy"] is Frame
    assert registry.get_column_type_from_df_type(Frame) is Col
    assert registry.get_column(Frame(), "x") == "col x"


def test_unknown_extension_is_a_module_not_found_error() -> None:
    with pytest.raises(ModuleNotFoundError, match="no 'xgboost' extension"):
        registry.load_extension("xgboost")


SCRIPT = """
import sys
from hamilton_nb import registry
registry.disable_autoload()
print(sorted(registry.DF_TYPE_AND_COLUMN_TYPES), "pandas" in sys.modules)
registry.load_extension("pandas")
print(sorted(registry.DF_TYPE_AND_COLUMN_TYPES))
"""


def test_disabled_autoload_registers_only_what_is_loaded(tmp_path) -> None:
    env = {"HOME": str(tmp_path), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.splitlines() == ["[] False", "['pandas']"]


def test_config_file_switch_round_trips(tmp_path, monkeypatch) -> None:
    from hamilton_nb.io import extensions

    monkeypatch.setattr(extensions, "DEFAULT_CONFIG_LOCATION", tmp_path / "h.conf")
    # set first so monkeypatch restores the variable (load_autoload_config writes os.environ)
    monkeypatch.setenv(registry.HAMILTON_AUTOLOAD_ENV, "1")
    monkeypatch.delenv(registry.HAMILTON_AUTOLOAD_ENV)
    registry.config_disable_autoload()
    assert "hamilton_autoload_extensions = 0" in (tmp_path / "h.conf").read_text().lower()
    registry.load_autoload_config()
    import os

    assert os.environ[registry.HAMILTON_AUTOLOAD_ENV] == "0"
    registry.config_enable_autoload()
    assert "hamilton_autoload_extensions" not in (tmp_path / "h.conf").read_text().lower()
