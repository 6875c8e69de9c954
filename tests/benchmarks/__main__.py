"""Runs every benchmark and prints one table: figure, ours, reference, ratio, target, pass/fail.

Usage::

    python -m tests.benchmarks            # full mode: the figures people read (minutes)
    python -m tests.benchmarks --smoke    # CI mode: seconds; fails only on a broken benchmark
    python -m tests.benchmarks --only operator,journal

Each ``bench_<name>.py`` module beside this file exposes ``run(smoke: bool) -> list[dict]``;
a row has ``figure``, ``ours``, ``reference``, ``ratio``, ``target`` and ``passed``. Figures are
compared as ratios measured in the same run, because these machines are noisy: a missed
target is reported, and fails the run only in full mode with ``--strict``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
COLUMNS = ("figure", "ours", "reference", "ratio", "target", "result")


def discover() -> list[str]:
    """Names of the benchmark modules beside this file, in a stable order."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def render(rows: list[dict[str, Any]]) -> str:
    """Render rows as a Markdown table (also readable in a terminal)."""
    cells = [
        [
            _fmt(r.get("figure")),
            _fmt(r.get("ours")),
            _fmt(r.get("reference")),
            _fmt(r.get("ratio")),
            _fmt(r.get("target")),
            "pass" if r.get("passed") else "MISS",
        ]
        for r in rows
    ]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(COLUMNS)]
    line = "| " + " | ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    return "\n".join([line, sep, *body])


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks; return 1 if one broke (or missed, with --strict)."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--smoke", action="store_true", help="seconds-long CI mode")
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--strict", action="store_true", help="a missed target fails the run")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else discover()
    rows: list[dict[str, Any]] = []
    broken: list[str] = []
    for name in names:
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"tests.benchmarks.bench_{name}")
            result = module.run(smoke=args.smoke)
            rows.extend(result)
            print(f"[{name}] {len(result)} figures in {time.perf_counter() - started:.1f} s")
        except Exception:
            broken.append(name)
            print(f"[{name}] BROKEN:\n{traceback.format_exc()}", file=sys.stderr)
    mode = "smoke" if args.smoke else "full"
    print(f"\nBenchmarks ({mode} mode)\n")
    print(render(rows))
    missed = [r for r in rows if not r.get("passed")]
    if broken:
        print(f"\nbroken benchmarks: {', '.join(broken)}", file=sys.stderr)
        return 1
    if missed and args.strict and not args.smoke:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
