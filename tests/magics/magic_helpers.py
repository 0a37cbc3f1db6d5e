"""Helpers for the magic tests (imported by the test modules of this folder)."""

from __future__ import annotations

import re
from typing import Any

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text: str) -> str:
    """``text`` without ANSI colour codes."""
    return ANSI.sub("", text)


def run(ip, source: str, expect_error: type[BaseException] | None = None) -> Any:
    """Run a cell; fail unless it raised ``expect_error`` (or nothing, when None)."""
    result = ip.run_cell(source)
    error = result.error_in_exec or result.error_before_exec
    if expect_error is None:
        assert error is None, repr(error)
    else:
        assert isinstance(error, expect_error), repr(error)
    return error
