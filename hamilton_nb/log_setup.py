"""Console logging set up the way Hamilton's ``log_setup`` does it.

``setup_logging(level)`` gives the root logger a stdout handler (``[LEVEL] time name(line):
message``) unless it already has a handler, and, when numpy is installed, silences numpy's
divide-by-zero and invalid-value warnings, as Hamilton's does. ``LOG_LEVELS`` maps level
names to ``logging`` levels.
"""

from __future__ import annotations

import importlib.util
import logging
import sys

LOG_LEVELS: dict[str, int] = {
    name: getattr(logging, name) for name in ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
}

_FORMAT = "[%(levelname)s] %(asctime)s %(name)s(%(lineno)s): %(message)s"


def setup_logging(log_level: int = logging.INFO) -> None:
    """Log to stdout at ``log_level``; does nothing to a root logger that has handlers.

    Mutates global state: the root logger and, if numpy is installed, ``numpy.seterr``.
    """
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
        root.setLevel(log_level)
    if importlib.util.find_spec("numpy") is not None:
        import numpy as np

        np.seterr(divide="ignore", invalid="ignore")
