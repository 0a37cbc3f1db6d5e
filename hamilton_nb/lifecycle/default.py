"""Ready-made adapters (Hamilton's ``lifecycle.default`` and ``plugins.h_tqdm`` names).

The public face of the adapters, which are implemented in:

- ``debugging``: ``PrintLn`` (a line before and after each node) and ``PDBDebugger``.
- ``progress``: ``ProgressBar`` (tqdm) and ``SlowDownYouMoveTooFast`` (artificial slowness).
- ``graceful_errors``: ``GracefulErrorAdapter`` (errors become sentinels) and
  ``accept_error_sentinels``.
- ``type_checks``: ``FunctionInputOutputTypeChecker`` (runtime type checks) and
  ``NoEdgeAndInputTypeChecking`` (type checks switched off).

tqdm and pdb are imported only when used.
"""

from __future__ import annotations

from hamilton_nb.lifecycle.debugging import NodeFilter, PDBDebugger, PrintLn
from hamilton_nb.lifecycle.graceful_errors import (
    ACCEPTS_SENTINELS_ATTR,
    GracefulErrorAdapter,
    accept_error_sentinels,
)
from hamilton_nb.lifecycle.progress import ProgressBar, SlowDownYouMoveTooFast
from hamilton_nb.lifecycle.type_checks import (
    FunctionInputOutputTypeChecker,
    NodeTypeError,
    NoEdgeAndInputTypeChecking,
)

__all__ = [
    "ACCEPTS_SENTINELS_ATTR",
    "FunctionInputOutputTypeChecker",
    "GracefulErrorAdapter",
    "NoEdgeAndInputTypeChecking",
    "NodeFilter",
    "NodeTypeError",
    "PDBDebugger",
    "PrintLn",
    "ProgressBar",
    "SlowDownYouMoveTooFast",
    "accept_error_sentinels",
]
