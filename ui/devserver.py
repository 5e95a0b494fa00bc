"""Start `planqa serve` in a subprocess on a free port and wait until the knowledge base is ready.

Used by the page's tests and by bench/concurrent_chats.py; not needed to run the page.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    home: Path
    log_path: Path
    auth: tuple[str, str] | None
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _wait_ready(server: Server, timeout: float) -> None:
    from gradio_client import Client

    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"planqa serve exited ({server.process.returncode}):\n{server.log()}")
        try:
            client = Client(server.url, auth=server.auth, verbose=False)
        except Exception as exc:  # noqa: BLE001 - not listening yet (httpx errors are not OSErrors)
            last_error = exc
            time.sleep(1)
            continue
        while time.monotonic() < deadline:
            try:
                status = client.predict(api_name="/status")
            except Exception as exc:  # noqa: BLE001 - a transient server error while loading: ask again
                last_error = exc
                time.sleep(1)
                continue
            if status.get("ready"):
                return
            if status.get("stage") == "error":
                raise RuntimeError(f"index failed to load: {status}\n{server.log()}")
            time.sleep(1)
    raise TimeoutError(f"planqa serve not ready after {timeout}s ({last_error}):\n{server.log()}")


@contextmanager
def running_server(home: Path, auth: tuple[str, str] | None = None, timeout: float = 300,
                   extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """`planqa serve` with PLANQA_HOME=home on a free localhost port; stopped on exit."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = home / f"serve-{port}.log"
    cmd = [sys.executable, "-m", "planqa.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if auth:
        cmd += ["--auth", f"{auth[0]}:{auth[1]}"]
    env = {**os.environ, "PLANQA_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False", **(extra_env or {})}
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}/", home, log_path, auth, proc)
    try:
        _wait_ready(server, timeout)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
