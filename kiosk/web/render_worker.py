"""Renders export formats in a separate Python process, for the export server.

A PDF takes fpdf2 (and fontTools' font subsetting) from a third of a second to a
few seconds of pure-Python work. In a thread of the kiosk's own process that work
holds the interpreter lock the UI thread needs for every frame, so the wall would
stutter while phones download. This worker is a plain child process (no Kivy, no
store: the server reads the store and sends the finished document as JSON), so the
operating system shares the CPU between the two fairly and the UI thread never waits
for a lock held by a render.

Protocol on stdin/stdout, one request at a time: a line with the byte length, then a
JSON request ``{"op": "render"|"page", "doc": …, "fmt": …, "links": …}``; the answer
is a line ``ok <n>`` or ``err <n>`` and n bytes (the file, the page, or the error).

``RenderWorker`` is the parent's side: started on first use, restarted if it died,
one render at a time (callers queue on a lock; the server's cache makes sure each
format is rendered once however many phones ask), and a timeout that kills a stuck
worker. If no worker can run, it renders in the calling thread, as before.
"""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from typing import Optional

log = logging.getLogger("kiosk.web")

WORKER_NICE = 10
"""The worker's scheduling priority below the kiosk's (on a 2-core box both compete)."""
RENDER_SECONDS = 60.0
"""A render that takes longer is given up (the worker is killed and restarted)."""


class WorkerError(RuntimeError):
    pass


class RenderWorker:
    def __init__(self, module: str = "kiosk.core.export") -> None:
        self.module = module
        self._lock = threading.Lock()
        self._proc: Optional[subprocess.Popen] = None

    # -- the parent's side ------------------------------------------------------------------

    def render(self, doc: dict, fmt: str) -> bytes:
        return self._call({"op": "render", "doc": doc, "fmt": fmt})

    def page(self, doc: dict, links: dict) -> str:
        return self._call({"op": "page", "doc": doc, "links": links}).decode("utf-8")

    def _call(self, request: dict) -> bytes:
        data = json.dumps(request, ensure_ascii=False).encode("utf-8")
        with self._lock:
            for attempt in (1, 2):  # a worker found dead is replaced once
                proc = self._ensure()
                try:
                    proc.stdin.write(b"%d\n" % len(data) + data)
                    proc.stdin.flush()
                    head = self._readline(proc, time.monotonic() + RENDER_SECONDS)
                    status, _, n = head.decode("ascii").strip().partition(" ")
                    body = self._read(proc, int(n), time.monotonic() + RENDER_SECONDS)
                    break
                except (OSError, ValueError, WorkerError) as exc:
                    ended = isinstance(exc, (BrokenPipeError, ConnectionError)) or "ended" in str(exc)
                    self._kill()
                    if attempt == 2 or not ended:
                        raise WorkerError(f"render worker failed: {exc}") from exc
                    log.warning("render worker had ended (%s); starting a new one", exc)
        if status != "ok":
            raise WorkerError(body.decode("utf-8", "replace"))
        return body

    def _ensure(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
            root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
            env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
            self._proc = subprocess.Popen([sys.executable, "-m", "kiosk.web.render_worker", self.module],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                          close_fds=True)
        return self._proc

    @staticmethod
    def _readline(proc, deadline) -> bytes:
        line = b""
        fd = proc.stdout.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WorkerError("timed out")
            ch = os.read(fd, 1)
            if not ch:
                raise WorkerError("the worker ended")
            line += ch
            if len(line) > 64:
                raise WorkerError("bad answer")
        return line

    @staticmethod
    def _read(proc, n: int, deadline) -> bytes:
        fd = proc.stdout.fileno()
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WorkerError("timed out")
            chunk = os.read(fd, min(1 << 20, n - got))
            if not chunk:
                raise WorkerError("the worker ended")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait(5)
            self._close_pipes(proc)

    @staticmethod
    def _close_pipes(proc) -> None:
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    def stop(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None:
            try:
                proc.stdin.close()
                proc.wait(2)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait(5)
            self._close_pipes(proc)

    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None


# -- the child's side --------------------------------------------------------------------------

def serve(module_name: str) -> int:
    import importlib
    import traceback

    if module_name != "kiosk.core.export" and not module_name.startswith("kiosk."):
        return 2
    try:
        os.nice(WORKER_NICE)  # the wall's frames come first; a download may wait a moment
    except OSError:
        pass
    module = importlib.import_module(module_name)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = stdin.readline()
        if not head:
            return 0
        request = json.loads(stdin.read(int(head)))
        try:
            if request["op"] == "page":
                out, status = module.page(request["doc"], request["links"]).encode("utf-8"), b"ok"
            else:
                out, status = module.render(request["doc"], request["fmt"]), b"ok"
        except Exception:  # reported to the parent, which logs it
            out, status = traceback.format_exc().encode("utf-8"), b"err"
        try:
            stdout.write(b"%s %d\n" % (status, len(out)) + out)
            stdout.flush()
        except (BrokenPipeError, ConnectionError):
            return 0  # the kiosk has gone: so do we


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(serve(sys.argv[1] if len(sys.argv) > 1 else "kiosk.core.export"))
