"""A progress bar for cell executions that turn out to be slow.

Responsibilities:
- ``DelayedProgress``: the ``progress`` callback of an execution (called with each node's name
  just before it runs). Nothing is shown for runs shorter than ``delay`` seconds; after that a
  ``tqdm.auto`` bar (a widget in notebooks, text in a terminal) shows nodes done / total and
  the node running now. On success the bar disappears; on failure it stays, naming the node.

A timer thread opens the bar, so a single slow node still gets one; tqdm is imported only then.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

DEFAULT_DELAY = 1.0


DISPLAY_ATTR = "hamilton_nb_display"  # the display handle of a notebook bar


def _tqdm_auto(**kwargs: Any) -> Any:
    """``tqdm.auto.tqdm(**kwargs)``; in a notebook, shown under a display id so that a
    finished bar can be blanked in the saved output (a closed widget leaves text behind)."""
    from tqdm.auto import tqdm

    if not any(cls.__module__ == "tqdm.notebook" for cls in tqdm.__mro__):
        return tqdm(**kwargs)
    from IPython.display import display

    bar = tqdm(display=False, **kwargs)
    setattr(bar, DISPLAY_ATTR, display(bar.container, display_id=True))
    return bar


class DelayedProgress:
    """Counts nodes as they start; shows a bar once the run has lasted ``delay`` seconds.

    ``total`` is the number of nodes expected, or a function giving it (called only when the
    bar opens). ``factory(**tqdm_kwargs)`` makes the bar (``tqdm.auto.tqdm`` by default).
    Use as::

        progress = DelayedProgress(total=12)
        progress.start()
        try:
            run(..., progress=progress)
        except BaseException:
            progress.finish(success=False)
            raise
        progress.finish(success=True)
    """

    def __init__(
        self,
        total: int | Callable[[], int],
        *,
        delay: float = DEFAULT_DELAY,
        description: str = "",
        factory: Callable[..., Any] = _tqdm_auto,
    ) -> None:
        self.total = total
        self.delay = delay
        self.description = description
        self.factory = factory
        self.started = 0  # nodes started so far (the last one may still be running)
        self.current: str | None = None
        self.bar: Any = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._finished = False

    def start(self) -> None:
        """Arm the timer that opens the bar after ``delay`` seconds."""
        self._timer = threading.Timer(self.delay, self._open)
        self._timer.daemon = True
        self._timer.start()

    @property
    def done(self) -> int:
        return max(self.started - 1, 0)

    def __call__(self, node_name: str) -> None:
        with self._lock:
            self.started += 1
            self.current = node_name
            if self.bar is not None:
                self._refresh()

    def _open(self) -> None:
        with self._lock:
            if self._finished or self.bar is not None:
                return
            total = self.total() if callable(self.total) else self.total
            self.bar = self.factory(
                total=max(total, self.started),
                initial=self.done,
                desc=self.description,
                unit="node",
                leave=False,
                dynamic_ncols=True,
            )
            self._refresh()

    def _refresh(self) -> None:
        bar = self.bar
        if self.started > bar.total:
            bar.total = self.started
        bar.n = self.done
        if self.current is not None:
            bar.set_postfix_str(self.current, refresh=False)
        bar.refresh()

    def finish(self, success: bool) -> None:
        """Stop the timer; remove the bar on success, leave it naming the node on failure."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._finished = True
            bar = self.bar
            if bar is None:
                return
            if success:
                bar.n = bar.total
                bar.leave = False
            else:
                bar.leave = True
                bar.set_description_str(f"failed at {self.current!r}", refresh=False)
            bar.close()
            handle = getattr(bar, DISPLAY_ATTR, None)
            if handle is not None:  # what a saved notebook keeps: nothing, or the failure
                handle.update({"text/plain": ""} if success else bar.container, raw=success)
