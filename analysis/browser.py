"""Open an HTML page in headless Chromium and report what a reader would see go wrong.

Used by ``tests/test_report.py`` and ``python -m analysis.browser REPORT.html``
to check the HTML report in a real browser: the page loads, nothing logs an
error, no script runs, no dialog opens, every image decodes, every link of the
table of contents has a target. The browser is driven over the Chrome DevTools
Protocol (a websocket), so no extra browser-automation package is needed.

The browser is Debian's ``chromium`` (``.ci/install-browser`` installs it).
When none is found, :func:`find_chromium` returns ``None`` and callers skip.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

#: Flags for a quiet, private, offline-friendly headless run (also as root, in containers).
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
]
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Evaluated in the page (through the DevTools protocol, which the page's CSP does not restrict).
_INSPECT = """(() => {
  const imgs = Array.from(document.images);
  const ids = new Set(Array.from(document.querySelectorAll('[id]')).map(e => e.id));
  const toc = Array.from(document.querySelectorAll('nav.report-toc a[href^="#"]'));
  return JSON.stringify({
    title: document.title,
    images: imgs.length,
    broken_images: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.alt || i.src).slice(0, 80)),
    image_sizes: imgs.map(i => [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width]),
    scripts: document.scripts.length,
    tables: document.querySelectorAll('table').length,
    headings: Array.from(document.querySelectorAll('h1, h2')).map(h => h.textContent.trim()),
    toc_links: toc.length,
    dead_toc_links: toc.filter(a => !ids.has(decodeURIComponent(a.getAttribute('href').slice(1))))
                       .map(a => a.getAttribute('href')),
    code_cells_visible: document.querySelectorAll('.jp-InputArea:not([hidden]) .jp-CodeMirrorEditor, pre code.language-python').length,
    text_length: document.body.innerText.length,
    body_width: document.body.scrollWidth,
    window_width: window.innerWidth,
  });
})()"""


@dataclass
class PageCheck:
    """What the browser saw."""

    url: str
    loaded: bool = False
    errors: list[str] = field(default_factory=list)  # console errors, exceptions, CSP violations, failed loads
    dialogs: list[str] = field(default_factory=list)  # alert()/confirm() that opened (must be none)
    info: dict = field(default_factory=dict)  # the DOM facts of _INSPECT
    screenshot: Path | None = None

    @property
    def ok(self) -> bool:
        """Loaded, no errors, no dialogs, no scripts, every image decoded, every TOC link resolves."""
        return (
            self.loaded and not self.errors and not self.dialogs and self.info.get("scripts", 1) == 0
            and not self.info.get("broken_images", [1]) and not self.info.get("dead_toc_links", [1])
        )


def find_chromium() -> str | None:
    """The path of a Chromium/Chrome binary (``$CHROMIUM`` first), or ``None``."""
    env = os.environ.get("CHROMIUM")
    if env and Path(env).is_file():
        return env
    for name in _NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


class _DevTools:
    def __init__(self, ws_url: str, timeout: float):
        import websocket  # websocket-client, a dependency of jupyter_server

        self.timeout = timeout
        self.ws = websocket.create_connection(ws_url, timeout=timeout, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def _post(self, method: str, **params) -> int:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        return self.next_id

    def _receive(self) -> dict:
        msg = json.loads(self.ws.recv())
        if "method" in msg:
            self.events.append(msg)
            if msg["method"] == "Page.javascriptDialogOpening":
                # a dialog blocks the page until answered: dismiss it at once (it is recorded as a problem)
                self._post("Page.handleJavaScriptDialog", accept=False)
        return msg

    def send(self, method: str, **params) -> dict:
        my_id = self._post(method, **params)
        while True:
            msg = self._receive()
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"DevTools {method}: {msg['error']}")
                return msg.get("result", {})

    def wait_for(self, method: str, timeout: float) -> bool:
        end = time.monotonic() + timeout
        if any(e.get("method") == method for e in self.events):
            return True
        self.ws.settimeout(1.0)
        try:
            while time.monotonic() < end:
                try:
                    msg = self._receive()
                except Exception:  # noqa: BLE001 - a timeout of one recv
                    continue
                if msg.get("method") == method:
                    return True
            return False
        finally:
            self.ws.settimeout(self.timeout)

    def drain(self, seconds: float) -> None:
        self.ws.settimeout(seconds)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                self._receive()
            except Exception:  # noqa: BLE001 - nothing more within the time
                break
        self.ws.settimeout(self.timeout)

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001
            pass


def check_page(
    path: str | Path,
    *,
    browser: str | None = None,
    screenshot: str | Path | None = None,
    width: int = 1280,
    height: int = 900,
    timeout: float = 60.0,
) -> PageCheck:
    """Load a local HTML file in headless Chromium and collect errors and DOM facts.

    Parameters
    ----------
    path
        The HTML file.
    browser
        The browser binary; default :func:`find_chromium`.
    screenshot
        Write a full-page PNG screenshot here.
    width, height
        The window size in CSS pixels.
    timeout
        Seconds to wait for the browser and the page.

    Raises
    ------
    FileNotFoundError
        If no browser is found or the page does not exist.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such page")
    browser = browser or find_chromium()
    if browser is None:
        raise FileNotFoundError("no Chromium found; run .ci/install-browser (Debian: apt-get install chromium)")
    url = path.as_uri()
    result = PageCheck(url=url)
    profile = tempfile.mkdtemp(prefix="report-chromium-")
    proc = subprocess.Popen(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
         f"--window-size={width},{height}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    tools = None
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        end = time.monotonic() + timeout
        while not port_file.is_file() or not port_file.read_text().strip():
            if proc.poll() is not None:
                raise RuntimeError(f"{browser} exited with code {proc.returncode} before it was ready")
            if time.monotonic() > end:
                raise TimeoutError(f"{browser} did not open its DevTools port within {timeout:.0f} s")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as resp:
            targets = json.load(resp)
        page = next(t for t in targets if t.get("type") == "page")
        tools = _DevTools(page["webSocketDebuggerUrl"], timeout)
        for domain in ("Page", "Runtime", "Log", "Network"):
            tools.send(f"{domain}.enable")
        tools.send("Page.navigate", url=url)
        result.loaded = tools.wait_for("Page.loadEventFired", timeout)
        tools.drain(0.5)
        raw = tools.send("Runtime.evaluate", expression=_INSPECT, returnByValue=True)
        value = raw.get("result", {}).get("value")
        result.info = json.loads(value) if value else {}
        if screenshot is not None:
            metrics = tools.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics.get("contentSize")
            shot = tools.send(
                "Page.captureScreenshot", format="png", captureBeyondViewport=True,
                clip={"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 16000), "scale": 1},
            )
            result.screenshot = Path(screenshot)
            result.screenshot.write_bytes(base64.b64decode(shot["data"]))
        tools.drain(0.2)
        for event in tools.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                result.errors.append("exception: " + str(details.get("exception", {}).get("description") or details.get("text")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                result.errors.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                result.errors.append(f"{entry.get('source', 'log')}: {entry.get('text', '')} {entry.get('url', '')}".strip())
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                result.errors.append(f"network: {params.get('errorText')} ({params.get('type')})")
            elif method == "Page.javascriptDialogOpening":
                result.dialogs.append(params.get("message", ""))
    finally:
        if tools is not None:
            try:
                tools.send("Browser.close")
            except Exception:  # noqa: BLE001 - the browser may already be gone
                pass
            tools.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return result


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis.browser",
                                     description="Check an HTML report in headless Chromium.")
    parser.add_argument("page", help="the HTML file, e.g. report/coverage-report.html")
    parser.add_argument("--screenshot", help="write a full-page PNG here")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print("no Chromium found; run .ci/install-browser (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    check = check_page(args.page, screenshot=args.screenshot)
    info = check.info
    print(f"{check.url}: loaded={check.loaded} images={info.get('images')} broken={info.get('broken_images')} "
          f"tables={info.get('tables')} scripts={info.get('scripts')} toc_links={info.get('toc_links')} "
          f"dead_links={info.get('dead_toc_links')}")
    for error in check.errors:
        print("error:", error)
    for dialog in check.dialogs:
        print("dialog opened:", dialog)
    print("OK" if check.ok else "PROBLEMS FOUND")
    return 0 if check.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
