"""A small Chrome DevTools Protocol client for the browser tests and the explorer benchmark.

Starts headless Chromium with ``--remote-debugging-port=0``, reads the port from its
``DevToolsActivePort`` file, and talks to the first page target over one websocket
(``websocket-client``). Every ``http(s)`` request is blocked and recorded, so a page
that is not self-contained shows up as ``requests`` (and usually a console error).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

import websocket

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
)


class Browser:
    """One headless Chromium with one page, driven through CDP."""

    def __init__(self, *, timeout: float = 60.0) -> None:
        if CHROMIUM is None:
            msg = "headless Chromium is not installed"
            raise RuntimeError(msg)
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(
            prefix="corridor-cdp-", ignore_cleanup_errors=True
        )
        profile = Path(self._profile.name)
        self._proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self._proc.poll() is not None:
                self.close()
                msg = "Chromium did not open its DevTools port"
                raise RuntimeError(msg)
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        page = next(t for t in targets if t["type"] == "page")
        self._ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=timeout, suppress_origin=True
        )
        self._id = 0
        self.events: list[dict[str, Any]] = []
        for method in ("Runtime.enable", "Log.enable", "Page.enable", "Network.enable"):
            self.send(method)
        self.send("Network.setBlockedURLs", urls=["http://*", "https://*"])

    # ------------------------------------------------------------------ protocol

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events are kept in ``events``)."""
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    msg = f"{method}: {message['error']}"
                    raise RuntimeError(msg)
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str) -> dict[str, Any]:
        """Wait for the next ``event`` (already received ones are searched first)."""
        for i, message in enumerate(self.events):
            if message["method"] == event:
                return self.events.pop(i)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = json.loads(self._ws.recv())
            if message.get("method") == event:
                return message
            if "method" in message:
                self.events.append(message)
        msg = f"timed out waiting for {event}"
        raise TimeoutError(msg)

    # ------------------------------------------------------------------ page

    def viewport(self, width: int, height: int, *, mobile: bool = False) -> None:
        """Emulate a window of ``width`` x ``height`` CSS pixels."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def open(self, url: str) -> float:
        """Navigate to ``url``, wait for the load event; return the seconds it took."""
        self.send("Page.navigate", url="about:blank")  # a fragment change alone would not reload
        self.wait_for("Page.loadEventFired")
        self.events.clear()
        t0 = time.perf_counter()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        return time.perf_counter() - t0

    def js(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its value (JSON-serialisable)."""
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            msg = f"{expression[:80]!r} raised {result['exceptionDetails']}"
            raise RuntimeError(msg)
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads since the last ``open``."""
        out = []
        self.js("0")  # flush pending events
        for message in self.events:
            method, params = message["method"], message.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                out.append(str(details.get("exception", {}).get("description", details)))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                out.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                out.append(params["entry"]["text"])
        return out

    def requests(self) -> list[str]:
        """URLs of network requests other than ``file:`` and ``data:`` since the last ``open``."""
        return [
            m["params"]["request"]["url"]
            for m in self.events
            if m["method"] == "Network.requestWillBeSent"
            and not m["params"]["request"]["url"].startswith(("file:", "data:", "about:"))
        ]

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Close the websocket, stop Chromium, remove its profile."""
        ws = getattr(self, "_ws", None)
        if ws is not None:
            ws.close()
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
