"""Fixtures for the real-browser tests: a JupyterLab server and a headless Debian Chromium.

Responsibilities:
- ``lab``: starts JupyterLab (from this Python's environment, with its ``python3`` kernelspec)
  on a free localhost port, rooted in a temporary directory holding copies of the notebooks
  under test, with its own Jupyter/IPython/XDG directories; stops it (SIGTERM, then SIGKILL
  of its process group) at the end.
- ``browser``: Playwright driving the system Chromium (``/usr/bin/chromium``); a missing
  Chromium or Playwright fails with the command that installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
SCREENSHOT_DIR = REPO_ROOT / "build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
COPIED = ("01_quickstart.ipynb", "04_visualization.ipynb", "marketing.py")
SERVER_START_TIMEOUT = 60.0
SERVER_STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: where to reach it and the directory it serves."""

    url: str
    root: Path
    log: Path


def free_port() -> int:
    """A localhost TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_environment(base: Path) -> dict[str, str]:
    """The server's environment: private Jupyter, IPython and XDG directories, and this
    environment's ``bin`` first on PATH so the kernel is this environment's Python."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "no_hamilton")  # no hamilton
    for name, sub in [
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
        ("IPYTHONDIR", "ipython"),
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_CACHE_HOME", "xdg-cache"),
    ]:
        (base / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(base / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def lab_command(port: int, root: Path, state: Path) -> list[str]:
    """The ``jupyter lab`` command line: no token, no browser, no update checks."""
    settings = state / "lab-settings"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.workspaces_dir={state / 'lab-workspaces'}",
        f"--LabApp.user_settings_dir={settings}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def silence_news(state: Path) -> None:
    """Turn off the "get Jupyter news?" notification, which would cover the notebook."""
    folder = state / "lab-settings" / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


def wait_until_ready(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"JupyterLab exited with code {server.returncode} before serving {url}; "
                f"its log:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"JupyterLab did not answer on {url}/api/status within {SERVER_START_TIMEOUT:.0f} s; "
        f"its log:\n{log.read_text()[-3000:]}"
    )


def check_kernelspec(url: str) -> None:
    """The server's ``python3`` kernel must be this environment's Python, or the notebooks
    would run against another installation of hamilton_nb."""
    with urllib.request.urlopen(f"{url}/api/kernelspecs", timeout=5) as response:
        specs = json.load(response)["kernelspecs"]
    if "python3" not in specs:
        pytest.fail(
            f"JupyterLab has no 'python3' kernel (it has {sorted(specs)!r}); run `make venv`, "
            "which installs it into .venv."
        )
    executable = specs["python3"]["spec"]["argv"][0]
    if Path(executable).resolve().parent != Path(sys.executable).resolve().parent:
        pytest.fail(
            f"the 'python3' kernel runs {executable!r}, not {sys.executable!r}; run "
            f"`{sys.executable} -m ipykernel install --sys-prefix --name python3`."
        )


def stop(server: subprocess.Popen) -> None:
    """SIGTERM the server's process group, then SIGKILL it if it is still there."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(server.pid, signal.SIGKILL)  # kernels left behind by the server, if any
    except ProcessLookupError:
        pass
    server.wait(SERVER_STOP_TIMEOUT)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab serving a temporary directory with copies of the tested notebooks."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        pytest.fail("jupyterlab is not installed in this environment; run `make venv`.")
    base = tmp_path_factory.mktemp("jupyterlab")
    root, state = base / "root", base / "state"
    root.mkdir()
    for name in COPIED:
        shutil.copy2(NOTEBOOK_DIR / name, root / name)
    silence_news(state)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = base / "server.log"
    with open(log, "w") as log_file:
        server = subprocess.Popen(
            lab_command(port, root, state),
            cwd=root,
            env=lab_environment(state),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ready(url, server, log)
        check_kernelspec(url)
        yield Lab(url=url, root=root, log=log)
    finally:
        stop(server)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing; the browser tests drive Debian's Chromium: run `make sysdeps` "
            "(as root it runs `apt-get install -y chromium`)."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed in this environment; run `make venv`.")
    home = tmp_path_factory.mktemp("chromium")
    monkeypatch_module.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch_module.setenv("XDG_CACHE_HOME", str(home / "cache"))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def screenshot_dir() -> Path:
    """``build/screenshots`` at the repository root, created when needed."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
