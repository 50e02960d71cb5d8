"""The load generator of scripts/bench_api.py, in a process of its own (so that its work does not
run in the server's interpreter): N concurrent HTTP/1.1 keep-alive clients (asyncio + httpx) ask
random paths of one endpoint after another, each for a bounded time, and every latency is kept.

    python scripts/_bench_load.py < plan.json > result.json

The plan: {"base": "http://127.0.0.1:PORT", "seconds": 10, "concurrency": 8, "seed": 1,
"endpoints": {"/api/summary": ["/api/summary"], "/api/proposals/{id}": ["/api/proposals/1", ...]}}.
The result, per endpoint: requests, errors (non-2xx answers and failed requests), rps, p50_ms,
p99_ms, max_ms and first_ms (the first request, before the timed run: a cold cache).
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import sys
import time

import httpx


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(q / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


async def _one(client: httpx.AsyncClient, path: str) -> tuple[float, bool]:
    start = time.perf_counter()
    try:
        ok = (await client.get(path)).is_success
    except httpx.HTTPError:
        ok = False
    return time.perf_counter() - start, ok


async def _endpoint(
    client: httpx.AsyncClient,
    paths: list[str],
    seconds: float,
    concurrency: int,
    rng: random.Random,
) -> dict[str, float | int]:
    first, first_ok = await _one(client, rng.choice(paths))
    latencies: list[float] = []
    errors = 0 if first_ok else 1
    deadline = time.perf_counter() + seconds

    async def client_loop() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            elapsed, ok = await _one(client, rng.choice(paths))
            latencies.append(elapsed)
            errors += not ok

    start = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(concurrency)))
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "first_ms": round(first * 1000, 2),
    }


async def run(plan: dict) -> dict[str, dict]:
    rng = random.Random(plan.get("seed", 1))
    concurrency = int(plan["concurrency"])
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    out = {}
    async with httpx.AsyncClient(
        base_url=plan["base"], limits=limits, timeout=plan.get("timeout", 60)
    ) as client:
        for name, paths in plan["endpoints"].items():
            out[name] = await _endpoint(client, paths, float(plan["seconds"]), concurrency, rng)
    return out


def main() -> None:
    plan = json.load(sys.stdin)
    json.dump(asyncio.run(run(plan)), sys.stdout)


if __name__ == "__main__":
    main()
