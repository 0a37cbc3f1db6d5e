"""``%load_ext hamilton_nb.plugins.jupyter_magic``: the notebook magics at Hamilton's path.

Hamilton's notebooks load the magics from ``hamilton.plugins.jupyter_magic``; after renaming
the import this module does exactly what ``%load_ext hamilton_nb`` does (the same magics, the
same session state; loading both registers them once).
"""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """Register the notebook magics (``%%cell_to_module`` ...) on ``ipython``."""
    from hamilton_nb.extension import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the notebook magics from ``ipython``."""
    from hamilton_nb.extension import unload_ipython_extension as unload

    unload(ipython)
