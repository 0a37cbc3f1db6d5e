"""Fixtures of the picture tests: an empty SVG cache per test, and renderer-run counting."""

from __future__ import annotations

import importlib

import pytest

from hamilton_nb.visualization.renderers import Renderer

render_module = importlib.import_module("hamilton_nb.visualization.render")


@pytest.fixture(autouse=True)
def empty_svg_cache():
    render_module.svg_cache.clear()
    yield
    render_module.svg_cache.clear()


@pytest.fixture
def run_calls(monkeypatch):
    """Count calls of Renderer.run (each one is a renderer process)."""
    calls: list[str] = []
    original = Renderer.run

    def counting(self, source, format="svg", **kwargs):
        calls.append(format)
        return original(self, source, format, **kwargs)

    monkeypatch.setattr(Renderer, "run", counting)
    return calls
