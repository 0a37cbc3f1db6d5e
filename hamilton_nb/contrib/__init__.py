"""Support for community dataflows (Hamilton's ``contrib``): ``catch_import_errors``.

A dataflow module wraps its third-party imports in ``catch_import_errors`` so a missing
package ends in an install hint naming the dataflow's ``requirements.txt``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

__version__ = "__unknown__"  # as in Hamilton, until a contrib package provides a version


@contextmanager
def catch_import_errors(
    module_name: str, file_location: str, logger: logging.Logger
) -> Iterator[None]:
    """Run the block; on ``ImportError`` log it and how to install the dataflow's
    requirements (``requirements.txt`` next to ``file_location``) on ``logger``, then
    re-raise the same ``ImportError``. Other exceptions pass through untouched."""
    try:
        yield
    except ImportError as exc:
        folder = os.path.dirname(file_location)
        logger.error("ImportError: %s", exc)
        logger.error(
            "Dataflow %s needs packages that are not installed; install them with "
            "`pip install -r %s/requirements.txt`",
            module_name,
            folder,
        )
        raise
