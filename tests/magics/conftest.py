"""A real IPython shell with ``%load_ext hamilton_nb``, fresh magic state for every test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def ip(workdir, monkeypatch) -> Iterator[Any]:
    """IPython's test shell, cwd in a temporary folder (the "project", importable as in a
    notebook), clean state after."""
    import IPython
    from IPython.testing.globalipapp import start_ipython

    from hamilton_nb.extension import magics_of
    from hamilton_nb.magics.cell_module import is_cell_module
    from hamilton_nb.magics.state import NotebookState

    monkeypatch.syspath_prepend(str(workdir))
    start_ipython()  # creates the shell on the first call only
    shell = IPython.get_ipython()
    if magics_of(shell) is None:
        shell.run_line_magic("load_ext", "hamilton_nb")
    magics = magics_of(shell)
    magics.state = NotebookState()
    magics.progress_delay = None
    before = set(shell.user_ns)
    yield shell
    for name in [n for n, m in list(sys.modules.items()) if is_cell_module(m)]:
        del sys.modules[name]
    for name in set(shell.user_ns) - before:
        del shell.user_ns[name]
    shell.rl_next_input = None
    magics.state = NotebookState()


@pytest.fixture
def state(ip) -> Any:
    """The magics' ``NotebookState`` of the shell."""
    from hamilton_nb.extension import magics_of

    return magics_of(ip).state
