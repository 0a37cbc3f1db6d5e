"""Makes ``hamilton`` unimportable in every Python this directory is on ``PYTHONPATH`` for.

The tests outside tests/parity put it there for the Pythons they start (kernels, the CLI), so
a missed ``hamilton`` → ``hamilton_nb`` rename in the package or a notebook can never pass by
importing the reference implementation from the test extra.
"""

from __future__ import annotations

import sys
from typing import Any


class BlockHamilton:
    """A ``sys.meta_path`` finder that refuses ``hamilton`` and its submodules."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "hamilton" or name.startswith("hamilton."):
            raise ModuleNotFoundError(
                f"No module named {name!r} (hamilton is blocked outside tests/parity)", name=name
            )
        return None


if not any(isinstance(f, BlockHamilton) for f in sys.meta_path):
    sys.meta_path.insert(0, BlockHamilton())
