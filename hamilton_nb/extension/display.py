"""Rich display of what the magics produce, through IPython's display machinery.

Responsibilities:
- ``show_dag``: the DAG of a driver (after a run, with the run's statuses) as the rich object
  the visualization functions return (``image/svg+xml``), so it shows in JupyterLab,
  Notebook 7 and VS Code alike.
- ``show_results``: node values in topological order, each under its name (DataFrames render
  as HTML tables through their own rich display).
- ``show_status``, ``show_source``, ``show_cache``, ``show_explorer``.

IPython is imported inside each function: importing this module costs nothing.
"""

from __future__ import annotations

import html
import importlib.util
from collections.abc import Mapping
from typing import Any


def _display(*objects: Any, raw: bool = False) -> None:
    from IPython.display import display

    display(*objects, raw=raw)


def dag_view(driver: Any, viz_kwargs: Mapping[str, Any], executed: bool) -> Any:
    """The picture object for ``driver``: the last run's overlay after an execution, else
    the whole DAG. Returns ``None`` (after printing why) when the driver cannot draw."""
    kwargs = dict(viz_kwargs)
    if (
        executed
        and getattr(driver, "last_run", None) is not None
        and hasattr(driver, "visualize_last_run")
    ):
        return driver.visualize_last_run(**kwargs)
    if hasattr(driver, "display_all_functions"):
        return driver.display_all_functions(**kwargs)
    print("-d: this driver cannot draw its DAG (hamilton_nb.visualization is not available).")
    return None


def show_dag(driver: Any, viz_kwargs: Mapping[str, Any], executed: bool) -> None:
    """Display the DAG of ``driver`` (see ``dag_view``); bad viz kwargs are a one-line note."""
    try:
        view = dag_view(driver, viz_kwargs, executed)
    except (TypeError, ValueError) as exc:
        if not viz_kwargs:
            raise
        print(f"-d: the visualization kwargs do not fit ({exc}); showing the DAG without them.")
        view = dag_view(driver, {}, executed)
    if view is not None:
        _display(view)


def _heading(name: str) -> dict[str, str]:
    return {
        "text/plain": f"{name}:",
        "text/html": f"<p style='margin:0.6em 0 0.2em'><b>{html.escape(name)}</b></p>",
    }


def show_results(driver: Any, results: Mapping[str, Any]) -> None:
    """Display each result under its node name, in the driver's topological order."""
    order = driver.graph.position
    for name in sorted(results, key=lambda n: order.get(n, len(order))):
        _display(_heading(name), raw=True)
        _display(results[name])


def show_source(source: str) -> None:
    """Display Python source with syntax highlighting (plain text where that is all)."""
    from IPython.display import Code

    _display(Code(source, language="python"))


def show_status(report: Any) -> None:
    """Display a ``status.StatusReport`` (HTML table in notebooks, text in a terminal)."""
    _display(report)


def show_cache(driver: Any) -> None:
    """``--display_cache``: what the driver's cache retrieved in the last run, if it has one."""
    cache = getattr(driver, "cache", None)
    view_run = getattr(cache, "view_run", None)
    if view_run is None:
        print("--display_cache: this driver has no cache, so there is nothing to show.")
        return
    _display(view_run())


def show_explorer(
    driver: Any,
    *,
    inputs: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    results: Mapping[str, Any] | None = None,
) -> None:
    """``--explore``: the interactive DAG explorer widget (with the run's results as value
    previews), when it is installed."""
    if importlib.util.find_spec("hamilton_nb.extension.explorer") is None:
        print("--explore: the DAG explorer is not available in this installation.")
        return
    from hamilton_nb.extension.explorer import explore

    _display(explore(driver, inputs=inputs, overrides=overrides, results=results))
