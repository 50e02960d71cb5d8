"""A loopback JSON-RPC proxy that behaves like a stingy public provider, for the indexer tests.

In front of the test chain it
- refuses eth_getLogs over more than `max_log_range` blocks, with the errors real providers give;
- fails a share of all requests (drawn from a seeded RNG, so a run is repeatable): closes the
  connection without answering, answers HTTP 503, or answers 200 with a body that is not JSON;
- can fail chosen requests on purpose (`plan`): as above, or hang past the client's time-out, or
  answer that the caller is rate limited;
- can run hooks before it forwards a request and after the chain answered it, before the client
  has the answer (to change the chain between two calls of the client).

It listens on 127.0.0.1 on a free port, serves one thread per connection, and stops with
`close()` (or at the end of a `with` block).
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

RANGE_ERRORS = [
    {"code": -32005, "message": "query returned more than 10000 results"},
    {"code": -32602, "message": "block range too large"},
    {"code": -32000, "message": "exceed maximum block range: {n}"},
    {"code": -32600, "message": "eth_getLogs is limited to a {n} block range"},
]

FAULTS = ("drop", "http503", "garbage")
# Infura's answer to too many requests a second (same code as its "too many results")
RATE_LIMITED = {"code": -32005, "message": "project ID request rate exceeded"}


def _block(value: Any, latest: Callable[[], int]) -> int:
    if isinstance(value, int):
        return value
    if value in (None, "latest", "pending", "safe", "finalized"):
        return latest()
    if value == "earliest":
        return 0
    return int(value, 16)


class FlakyRpcProxy:
    def __init__(
        self,
        upstream: str,
        *,
        max_log_range: int = 5,
        fault_rate: float = 0.2,
        seed: int = 1,
        faults: tuple[str, ...] = FAULTS,
        hang_seconds: float = 1.0,
    ) -> None:
        self.upstream = upstream
        self.max_log_range = max_log_range
        self.fault_rate = fault_rate
        self.faults = faults
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.stats: Counter[str] = Counter()
        self.forwarded_log_ranges: list[tuple[int, int]] = []
        self.hang_seconds = hang_seconds
        # plan(method, params) -> a fault ("drop", "http503", "garbage", "hang", "rate_limited")
        # or None; asked before the random draw
        self.plan: Callable[[str, list[Any]], str | None] | None = None
        self.before: Callable[[str, list[Any]], None] | None = None
        self.after: Callable[[str, list[Any], Any], None] | None = None
        # transform(method, params, reply) -> the reply the client gets (e.g. without a field)
        self.transform: Callable[[str, list[Any], Any], Any] | None = None
        self._local = threading.local()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # one write per answer, sent at once (no Nagle/delayed-ACK stall of ~40 ms a request)
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                proxy._serve(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="flaky-rpc-proxy", daemon=True
        )
        self._thread.start()

    # ------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FlakyRpcProxy:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------ serving

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "http"):
            self._local.http = requests.Session()
        return self._local.http

    def _latest(self) -> int:
        reply = (
            self._session()
            .post(
                self.upstream,
                json={"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber", "params": []},
                timeout=30,
            )
            .json()
        )
        return int(reply["result"], 16)

    def _reply(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str = "application/json",
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _serve(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        try:
            request = json.loads(body)
        except ValueError:
            self._reply(handler, 400, b"not JSON")
            return
        single = isinstance(request, dict)
        method = request.get("method", "?") if single else "batch"
        params = (request.get("params") or []) if single else []
        with self.lock:
            self.stats["requests"] += 1
            self.stats[f"requests:{method}"] += 1
            fault = self.plan(method, params) if self.plan is not None else None
            if fault is None and self.rng.random() < self.fault_rate:
                fault = self.rng.choice(self.faults)
            if fault:
                self.stats[f"fault:{fault}"] += 1
        if fault == "hang":
            time.sleep(self.hang_seconds)
            fault = "drop"
        if fault == "rate_limited":
            out = {
                "jsonrpc": "2.0",
                "id": request.get("id") if single else None,
                "error": RATE_LIMITED,
            }
            self._reply(handler, 200, json.dumps(out).encode())
            return
        if fault == "drop":
            # close the connection without a word
            handler.close_connection = True
            try:
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if fault == "http503":
            self._reply(
                handler,
                503,
                b"<html><body><h1>503 Service Unavailable</h1></body></html>",
                "text/html",
            )
            return
        if fault == "garbage":
            self._reply(
                handler, 200, b'{"jsonrpc": "2.0", "id": 1, "result": [{"addr', "application/json"
            )
            return
        if single and method == "eth_getLogs":
            f = params[0] if params else {}
            if "blockHash" not in f:
                frm = _block(f.get("fromBlock"), self._latest)
                to = _block(f.get("toBlock"), self._latest)
                if to - frm + 1 > self.max_log_range:
                    with self.lock:
                        self.stats["refused:eth_getLogs"] += 1
                        error = dict(
                            RANGE_ERRORS[self.stats["refused:eth_getLogs"] % len(RANGE_ERRORS)]
                        )
                    error["message"] = error["message"].format(n=self.max_log_range)
                    out = {"jsonrpc": "2.0", "id": request.get("id"), "error": error}
                    self._reply(handler, 200, json.dumps(out).encode())
                    return
                with self.lock:
                    self.forwarded_log_ranges.append((frm, to))
        if self.before is not None and single:
            self.before(method, params)
        upstream = self._session().post(
            self.upstream, data=body, headers={"Content-Type": "application/json"}, timeout=60
        )
        with self.lock:
            self.stats["forwarded"] += 1
        if self.after is not None and single:
            # before the client has the answer: the chain changes between this call and its next
            self.after(method, params, json.loads(upstream.content))
        content = upstream.content
        if self.transform is not None and single:
            content = json.dumps(self.transform(method, params, json.loads(content))).encode()
        self._reply(handler, upstream.status_code, content)
