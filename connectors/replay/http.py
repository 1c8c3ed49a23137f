"""The HTTP side of the replay servers: a threaded werkzeug server on 127.0.0.1 (a free port
unless one is given) and the base every replay service shares: its request log, call counts and
injected faults (a test's way to make the service fail like the real one does)."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug import Request, Response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
from werkzeug.serving import BaseWSGIServer, make_server

Json = dict[str, Any]
Handler = Callable[[Request], Response]


class ReplayServer:
    """A local HTTP server whose handler can be swapped: starting one is cheap, but stopping one
    takes half a second, so tests reuse one running server across services."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.handler: Handler = lambda request: Response("no replay service", status=503)
        self._server: BaseWSGIServer = make_server(host, port, self._wsgi, threaded=True)
        self._thread: threading.Thread | None = None

    def _wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = self.handler(Request(environ))
        return response(environ, start_response)

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if not self.is_running():
            self._thread = threading.Thread(
                target=self._server.serve_forever, name=f"replay:{self.port}", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers, content_type="application/json"
    )


@dataclass
class Fault:
    """Answer the next `times` requests whose path matches with this status instead."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    after: int = 0
    """Let this many matching requests through first (a failure in the middle of paging)."""


class ReplayService:
    def __init__(self, server: ReplayServer | None = None) -> None:
        """Runs on `server` if given (a running server is reused), else on a new one to
        `start()`."""
        self.server = server or ReplayServer()
        self.server.handler = self._handle
        self.calls: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()

    def fail(self, path: str, status: int, times: int = 1, **kwargs: Any) -> None:
        self.faults.append(Fault(path, status, times, **kwargs))

    def reset_counts(self) -> None:
        self.calls.clear()
        self.log.clear()

    def _fault_for(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and re.search(fault.path, path):
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fault.times -= 1
                return fault
        return None

    def _handle(self, request: Request) -> Response:
        with self._lock:
            self.log.append((request.method, request.full_path))
            return self._route(request)

    def _route(self, request: Request) -> Response:  # pragma: no cover - overridden
        raise NotImplementedError
