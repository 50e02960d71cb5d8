"""Shared plumbing of `make bench`: sizes, bench/results.json and the tables in BENCHMARKS.md.

Every benchmark script owns one section of bench/results.json and one block of BENCHMARKS.md
between `<!-- NAME:start -->` and `<!-- NAME:end -->`; it rewrites only those, so the scripts can
run one at a time or all together (`make bench`). Benchmarks report; they never pass or fail.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _outputs() -> tuple[Path, Path]:
    """bench/results.json and BENCHMARKS.md, or both in $BENCH_OUT (the test suite's smoke run
    writes there instead of over the published numbers)."""
    out = os.environ.get("BENCH_OUT")
    if out:
        return Path(out) / "results.json", Path(out) / "BENCHMARKS.md"
    return ROOT / "bench" / "results.json", ROOT / "BENCHMARKS.md"


def small() -> bool:
    """`make bench BENCH_SMALL=1`: the same code paths with tiny sizes (the CI smoke run)."""
    return os.environ.get("BENCH_SMALL", "") not in ("", "0")


def postgres_admin_url() -> str | None:
    """A PostgreSQL server where the benchmarks may create databases (BENCH_POSTGRES_URL, else
    the tests' TEST_POSTGRES_URL), or None: SQLite only."""
    return os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL") or None


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} × {cpu}"


def anvil_version() -> str:
    exe = shutil.which("anvil")
    if not exe:
        return "anvil (not found)"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "anvil"


def footer(command: str = "make bench") -> str:
    return (
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}; {anvil_version()}; "
        f"solc 0.8.37 (solcjs), optimizer 10,000 runs. Command: `{command}`."
    )


def update_results(section: str, data: dict, command: str = "make bench") -> dict:
    """Replace one section of bench/results.json and refresh its "meta": the latest run's date,
    machine and anvil, and under meta.sections where and how this section was measured (the
    sections need not come from one run)."""
    path = _outputs()[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(path.read_text()) if path.exists() else {}
    results[section] = data
    run = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "anvil": anvil_version()}
    meta = results.setdefault("meta", {})
    meta.update(run)
    meta.setdefault("sections", {})[section] = {**run, "command": command}
    path.write_text(json.dumps(results, indent=2) + "\n")
    return results


def replace_block(name: str, markdown: str) -> None:
    """Rewrite BENCHMARKS.md between <!-- name:start --> and <!-- name:end --> (appended if new)."""
    doc = _outputs()[1]
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text)


def table(header: list[str], rows: list[list], align: str | None = None) -> str:
    """A Markdown table; `align` is one char per column, "l" or "r" (default: first l, rest r)."""
    align = align or "l" + "r" * (len(header) - 1)
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if a == "l" else "---:" for a in align) + "|",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
