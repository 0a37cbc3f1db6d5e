"""Adapters around progress displays: ``ProgressBar`` (a tqdm bar over the nodes of a run)
and ``SlowDownYouMoveTooFast`` (random sleeps before nodes, to try such displays).

tqdm is imported only when a run starts (``tqdm.auto``: a widget in Jupyter).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Collection
from typing import Any

from hamilton_nb.lifecycle import api


class ProgressBar(api.GraphExecutionHook, api.NodeExecutionHook):
    """A tqdm progress bar over the nodes of each ``execute`` (``tqdm.auto``: widget in Jupyter).

    The total starts at the number of nodes to compute and grows as the nodes of a
    ``Parallelizable`` block run once per item. Extra keyword arguments go to ``tqdm``. The bar
    is closed when the run ends, even on failure.
    """

    def __init__(
        self, desc: str = "Graph execution", max_node_name_width: int = 50, **tqdm_kwargs: Any
    ) -> None:
        self.desc = desc
        self.max_node_name_width = max_node_name_width
        self.tqdm_kwargs = tqdm_kwargs
        self._bar: Any = None
        self._started: set[str] = set()
        self._lock = threading.Lock()  # parallel items may run on several threads

    def _label(self, node_name: str) -> str:
        width = self.max_node_name_width
        if len(node_name) > width:
            return node_name[: max(width - 3, 0)] + "..."
        return node_name.ljust(width)

    def run_before_graph_execution(
        self, *, execution_path: Collection[str], **future_kwargs: Any
    ) -> None:
        """Open a bar with one step per node to compute."""
        from tqdm.auto import tqdm

        options = {"desc": self.desc, "unit": "node", **self.tqdm_kwargs}
        self._bar = tqdm(total=len(execution_path), **options)
        self._started = set()

    def run_before_node_execution(self, *, node_name: str, **future_kwargs: Any) -> None:
        """Show the node being computed (a node running again, for another item, adds a step)."""
        with self._lock:
            if self._bar is None:
                return
            if node_name in self._started:
                self._bar.total += 1
            self._started.add(node_name)
            self._bar.set_description_str(f"{self.desc} -> {self._label(node_name)}")

    def run_after_node_execution(self, **future_kwargs: Any) -> None:
        """Advance the bar by one node."""
        with self._lock:
            if self._bar is not None:
                self._bar.update(1)

    def run_after_graph_execution(self, *, success: bool, **future_kwargs: Any) -> None:
        """Show how the run ended and close the bar."""
        with self._lock:
            bar, self._bar = self._bar, None
        if bar is None:
            return
        bar.set_description_str(f"{self.desc} -> {'done' if success else 'failed'}")
        bar.close()


class SlowDownYouMoveTooFast(api.NodeExecutionHook):
    """Sleeps a random normal time (clipped at 0) before each node: to try progress displays."""

    def __init__(self, sleep_time_mean: float, sleep_time_std: float) -> None:
        if sleep_time_mean < 0 or sleep_time_std < 0:
            raise ValueError(
                f"SlowDownYouMoveTooFast({sleep_time_mean!r}, {sleep_time_std!r}): "
                "the mean and standard deviation must be >= 0 seconds."
            )
        self.sleep_time_mean = sleep_time_mean
        self.sleep_time_std = sleep_time_std

    def run_before_node_execution(self, **future_kwargs: Any) -> None:
        """Sleep ``max(0, normal(mean, std))`` seconds."""
        seconds = random.normalvariate(self.sleep_time_mean, self.sleep_time_std)
        time.sleep(max(0.0, seconds))

    def run_after_node_execution(self, **future_kwargs: Any) -> None:
        """Nothing to do after a node."""
