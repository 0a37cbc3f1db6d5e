"""``%load_ext hamilton_nb.plugins.jupyter_magic`` (Hamilton's notebooks' spelling) in a real
IPython shell registers the same magics as ``%load_ext hamilton_nb``."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("IPython")


def test_load_ext_at_hamiltons_path_registers_the_magics() -> None:
    import IPython
    from IPython.testing.globalipapp import start_ipython

    from hamilton_nb.extension import magics_of

    start_ipython()
    shell = IPython.get_ipython()
    before = set(shell.user_ns)
    shell.run_line_magic("unload_ext", "hamilton_nb")
    shell.run_line_magic("unload_ext", "hamilton_nb.plugins.jupyter_magic")
    assert "cell_to_module" not in shell.magics_manager.magics["cell"]
    try:
        shell.run_line_magic("load_ext", "hamilton_nb.plugins.jupyter_magic")
        assert "cell_to_module" in shell.magics_manager.magics["cell"]
        assert magics_of(shell) is not None
        shell.run_line_magic("load_ext", "hamilton_nb")  # both spellings: registered once
        assert magics_of(shell) is not None
        result = shell.run_cell(
            "%%cell_to_module plugin_magic_mod\ndef a() -> int:\n    return 1\n"
        )
        assert result.error_in_exec is None and result.error_before_exec is None
        assert shell.user_ns["plugin_magic_mod"].a() == 1
        shell.run_line_magic("unload_ext", "hamilton_nb.plugins.jupyter_magic")
        assert "cell_to_module" not in shell.magics_manager.magics["cell"]
    finally:
        for name in set(shell.user_ns) - before:
            del shell.user_ns[name]
        sys.modules.pop("plugin_magic_mod", None)
        # leave the shell as the magic tests expect it: loaded once, as ``hamilton_nb``
        for name in ("hamilton_nb.plugins.jupyter_magic", "hamilton_nb"):
            shell.run_line_magic("unload_ext", name)
        shell.run_line_magic("load_ext", "hamilton_nb")
        assert magics_of(shell) is not None
