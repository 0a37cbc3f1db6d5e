"""``contrib.catch_import_errors`` and ``log_setup.setup_logging`` behave as Hamilton's."""

from __future__ import annotations

from .conftest import same


def test_catch_import_errors_logs_a_hint_and_reraises(in_both) -> None:
    script = """
    import logging
    from hamilton.contrib import catch_import_errors

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger = logging.getLogger("dataflow")
    logger.addHandler(Keep())
    logger.propagate = False
    where = "/somewhere/dataflows/my_flow/__init__.py"

    def missing():
        with catch_import_errors("my_flow", where, logger):
            import a_package_that_is_not_installed  # noqa: F401

    def other():
        with catch_import_errors("my_flow", where, logger):
            raise KeyError("x")

    def fine():
        with catch_import_errors("my_flow", where, logger):
            import json  # noqa: F401
        return "ok"

    error = emit_error("missing", missing)
    emit("missing:name", getattr(error, "name", None))
    emit("missing:levels", [r.levelname for r in records])
    text = " ".join(r.getMessage() for r in records)
    emit("missing:hint", "pip install -r /somewhere/dataflows/my_flow/requirements.txt" in text)
    emit("missing:names the module", "a_package_that_is_not_installed" in text)
    records.clear()
    emit_error("other", other)
    emit_error("fine", fine)
    emit("quiet otherwise", [r.levelname for r in records])
    """
    ours, theirs = in_both(script)
    same(ours, theirs)
    assert theirs["missing"] == {
        "raises": ["ModuleNotFoundError", "ImportError", "Exception", "BaseException", "object"]
    }
    assert theirs["missing:hint"] is True


def test_setup_logging_configures_the_root_logger_once(in_both) -> None:
    script = """
    import logging, re, sys
    import numpy as np
    from hamilton import log_setup

    emit("levels", log_setup.LOG_LEVELS)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)
    log_setup.setup_logging(logging.DEBUG)
    emit("handlers", [type(h).__name__ for h in root.handlers])
    emit("to stdout", [getattr(h, "stream", None) is sys.stdout for h in root.handlers])
    emit("level", root.level)
    record = logging.LogRecord("some.logger", logging.INFO, "f.py", 12, "hello %s", ("you",), None)
    line = root.handlers[0].format(record)
    emit("format", re.sub(r"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d+", "<time>", line))
    emit("numpy", {k: v for k, v in np.geterr().items() if k in ("divide", "invalid")})
    log_setup.setup_logging(logging.ERROR)  # already set up: nothing changes
    emit("again", [len(root.handlers), root.level])
    """
    ours, theirs = in_both(script)
    same(ours, theirs)
    assert theirs["format"] == "[INFO] <time> some.logger(12): hello you"
    assert theirs["again"] == {"list": [1, 10]}
