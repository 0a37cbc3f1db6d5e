"""``PrintLn`` parity: what a script's stdout shows for each node, as Hamilton prints it.

Wording and timings differ (ours: ``Executing node 'a'.`` / ``Finished node 'a' in 3μs:
success.``), so lines are compared as events: before/after, node, status, and the
pretty-printed inputs, results and errors that follow them at verbosity 2.
"""

from __future__ import annotations

import re

from .conftest import same

MODULE = """
def a(x: int) -> int:
    return x + 1

def b(a: int) -> dict:
    return {"a": a, "twice": [a, a]}

def c(b: dict) -> int:
    raise ValueError("boom")
"""

SCRIPT = """
import flow
from hamilton import driver
from hamilton.lifecycle import default

def run(label, adapter, outputs=("b",)):
    print(f"== {label}", flush=True)
    dr = driver.Builder().with_modules(flow).with_adapters(adapter).build()
    emit_error(label, dr.execute, list(outputs), inputs={"x": 1})

run("verbosity 1", default.PrintLn())
run("verbosity 2", default.PrintLn(verbosity=2))
run("failure", default.PrintLn(verbosity=2), outputs=("c",))
run("filter by name", default.PrintLn(node_filter="b"))
run("filter by list", default.PrintLn(node_filter=["a"]))
run("filter by predicate", default.PrintLn(node_filter=lambda name, tags: name != "a"))
run("print_fn", default.PrintLn(print_fn=lambda line: print("PF|" + line)))
print("== legacy driver", flush=True)
driver.Driver({}, flow, adapter=default.PrintLn()).execute(["b"], inputs={"x": 1})
emit_error("bad verbosity", default.PrintLn, verbosity=3)
"""

_BEFORE = re.compile(r"^(PF\|)?Executing node:? '?(\w+)'?\.( Inputs:)?\s*$")
_AFTER = re.compile(
    r"^(PF\|)?Finished (?:debugging )?node:? '?(\w+)'? in [\d.e+-]+(?:ns|μs|ms|s)[.:] "
    r"(?:Status: )?(\w+)\.( Result:| Error:)?\s*$"
)


def events(stdout: str) -> list[tuple[str, ...]]:
    """Each printed line as an event; payload lines (pretty-printed values) kept verbatim."""
    found: list[tuple[str, ...]] = []
    for line in stdout.splitlines():
        if match := _BEFORE.match(line):
            found.append(("before", *(g or "" for g in match.groups())))
        elif match := _AFTER.match(line):
            prefix, node, status, payload = match.groups()
            found.append(("after", prefix or "", node, status.lower(), payload or ""))
        elif line.strip():
            found.append(("text", line.rstrip()))
    return found


def test_println_prints_each_node_like_hamilton(in_both) -> None:
    ours, theirs = in_both(SCRIPT, {"flow": MODULE})
    same(ours, theirs)
    assert events(ours["__stdout__"]) == events(theirs["__stdout__"])
    printed = events(theirs["__stdout__"])
    assert ("before", "", "a", "") in printed and ("text", "ValueError('boom')") in printed
    assert ("after", "PF|", "b", "success", "") in printed
