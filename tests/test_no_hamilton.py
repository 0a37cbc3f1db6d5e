"""Outside tests/parity, ``hamilton`` cannot be imported: not here, not in a child Python, not
in a notebook kernel; so a missed rename in the package or a notebook fails instead of passing."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_import_hamilton_fails_in_the_test_process() -> None:
    with pytest.raises(ModuleNotFoundError, match="hamilton"):
        import hamilton  # noqa: F401
    with pytest.raises(ModuleNotFoundError, match="hamilton"):
        from hamilton import driver  # noqa: F401


def test_import_hamilton_fails_in_child_pythons(subprocess_env) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import hamilton_nb.driver; import hamilton"],
        capture_output=True,
        text=True,
        env=subprocess_env,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "ModuleNotFoundError: No module named 'hamilton'" in proc.stderr


@pytest.mark.notebook
def test_import_hamilton_fails_in_notebook_kernels() -> None:
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext hamilton_nb"),
        nbformat.v4.new_code_cell(
            "try:\n    import hamilton\nexcept ImportError as e:\n    print('blocked:', e)"
        ),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert "blocked: No module named 'hamilton'" in nb.cells[1].outputs[0]["text"]
