"""Mutation testing with mutmut: does a deliberate bug in a guarded module fail a test?

Usage::

    python -m tests.mutation                  # every target: the score per module (minutes)
    python -m tests.mutation --only masking   # targets whose path contains a word
    python -m tests.mutation --sample         # CI: a seeded sample; exit 1 on a survivor

The run happens in a throwaway copy of the repository (mutmut rewrites the sources it
mutates), with mutmut's configuration written there, so nothing in the checkout changes.
A survivor that cannot change behaviour is listed in :data:`EQUIVALENT` with the reason;
any other survivor of the sample (:mod:`tests.mutation.sample`) fails the run, and so does a
sampled mutant that no selected test reaches.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.mutation.equivalent import EQUIVALENT
from tests.mutation.targets import TARGETS, Target

REPO = Path(__file__).resolve().parents[2]
#: What the copy leaves out: bulky or generated, never needed to run the targets' tests.
_IGNORED = ("node_modules", ".build", "__pycache__", "artifacts", "mutants", ".venv", "*.pyc")
#: No Xvfb (the targets' tests need no display; pytest-xvfb would start one per mutant), and
#: a wall-clock limit per test: mutmut's own limit counts CPU seconds, and a mutant that makes
#: a loopback client wait for a reply that never comes uses none.
_PYTEST_ARGS = ["-p", "no:xvfb", "--timeout=20"]
_RESULT = re.compile(r"^\s*(\S+): (.+)$")


def _workspace(root: Path, targets: list[Target]) -> Path:
    """A copy of the repository with mutmut configured for ``targets`` only."""
    work = root / "repo"
    work.mkdir()
    for name in ("uid2_desk", "tests", "resources"):
        shutil.copytree(REPO / name, work / name, ignore=shutil.ignore_patterns(*_IGNORED))
    wanted = {t.path for t in targets}
    others = sorted(
        str(p.relative_to(work)) for p in (work / "uid2_desk").rglob("*.py")
        if str(p.relative_to(work)) not in wanted
    )  # fmt: skip
    tests = sorted({test for t in targets for test in t.tests})
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    config += (
        "\n[tool.mutmut]\n"
        'source_paths = ["uid2_desk"]\n'
        f"do_not_mutate = {_toml_list(others)}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
        f"pytest_add_cli_args = {_toml_list(_PYTEST_ARGS)}\n"
        'also_copy = ["tests", "resources"]\n'
    )
    (work / "pyproject.toml").write_text(config, encoding="utf-8")
    return work


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def _mutmut(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )


def _results(work: Path) -> dict[str, str]:
    listed = _mutmut(work, "results", "--all", "true")
    found: dict[str, str] = {}
    for line in listed.stdout.splitlines():
        match = _RESULT.match(line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def _sampled(work: Path, targets: list[Target]) -> list[str]:
    """The sample's mutant names, listed inside the workspace (mutmut reads its config there)."""
    listed = subprocess.run(
        [sys.executable, "-m", "tests.mutation.sample", *(t.path for t in targets)],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()


def _table(targets: list[Target], results: dict[str, str]) -> list[str]:
    lines = [
        "| module | mutants | killed | survived | no tests | score |",
        "|---|---|---|---|---|---|",
    ]
    for target in targets:
        mine = {n: s for n, s in results.items() if n.startswith(target.module + ".")}
        counts = Counter(mine.values())
        total = len(mine)
        killed = counts["killed"] + counts["timeout"]
        explained = sum(1 for n, s in mine.items() if s == "survived" and n in EQUIVALENT)
        score = (killed + explained) / total * 100 if total else 0.0
        lines.append(
            f"| {target.path} | {total} | {killed} | {counts['survived']} | "
            f"{counts['no tests']} | {score:.0f} % |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run mutmut on the chosen targets; print the scores and every unexplained survivor."""
    parser = argparse.ArgumentParser(prog="python -m tests.mutation")
    parser.add_argument("--sample", action="store_true", help="CI: the seeded sample only")
    parser.add_argument("--only", help="targets whose path contains this word")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once")
    parser.add_argument(
        "--keep", metavar="DIR", help="work in DIR and keep it (then: python -m mutmut show NAME)"
    )
    args = parser.parse_args(argv)
    targets = [t for t in TARGETS if not args.only or args.only in t.path]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="uid2-desk-mutation-") as tmp:
        root = Path(args.keep) if args.keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        work = _workspace(root, targets)
        names = _sampled(work, targets) if args.sample else []
        run = _mutmut(work, "run", "--max-children", str(args.jobs), *names)
        results = _results(work)
    if names:
        results = {name: status for name, status in results.items() if name in names}
    if run.returncode != 0 or not results:
        print(run.stdout[-3000:], run.stderr[-3000:], sep="\n", file=sys.stderr)
        print("mutation testing could not run", file=sys.stderr)
        return 2
    print("\n".join(_table(targets, results)))
    bad = sorted(
        f"{name}: {status}"
        for name, status in results.items()
        if status not in ("killed", "timeout", "not checked") and name not in EQUIVALENT
    )
    if names:
        # In the sample every mutant must have been run: "not checked" there is a failure too.
        bad += [f"{n}: {results.get(n, 'not run')}" for n in names if n not in results]
        bad += sorted(f"{n}: not checked" for n, s in results.items() if s == "not checked")
    print(f"{len(results)} mutants in {time.monotonic() - started:.0f} s")
    for line in bad:
        print(f"SURVIVED {line}")
    return 1 if args.sample and bad else 0


if __name__ == "__main__":
    sys.exit(main())
