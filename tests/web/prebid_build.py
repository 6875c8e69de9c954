"""Builds the Prebid.js bundle the browser test loads, once per set of pinned inputs.

``npm ci --ignore-scripts`` installs the versions pinned in package-lock.json (prebid.js,
webpack, webpack-cli) into tests/web/node_modules, then webpack bundles src/entry.js (Prebid
core, the User ID module and its uid2 submodule) into tests/web/.build/<hash>/, the hash
covering every input. A later run with the same inputs reuses both. Missing node or npm is
a failure, never a skip: CI installs them and must run this test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
INPUTS = ("package.json", "package-lock.json", "webpack.config.js", "src/entry.js")
BUNDLE_NAME = "prebid-uid2.js"
_INSTALL_STAMP = ".uid2-desk-lock-sha256"
_TIMEOUT_S = 600


class BuildError(RuntimeError):
    """The bundle could not be built; the message says what to install or look at."""


def _digest(names: tuple[str, ...]) -> str:
    sha = hashlib.sha256()
    for name in names:
        sha.update(name.encode() + b"\0" + (WEB_DIR / name).read_bytes() + b"\0")
    return sha.hexdigest()


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(
        command,
        cwd=WEB_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}"
            f"\n{done.stderr[-2000:]}"
        )


def _install(npm: str) -> None:
    """``npm ci`` unless node_modules already holds this lockfile's packages."""
    lock = _digest(("package-lock.json",))
    stamp = WEB_DIR / "node_modules" / _INSTALL_STAMP
    if stamp.is_file() and stamp.read_text() == lock:
        return
    _run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"])
    stamp.write_text(lock)


def ensure_bundle() -> Path:
    """The path of the built bundle, building it if these inputs were never built."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise BuildError(
            "the browser test needs Node.js and npm (Debian: apt-get install nodejs npm)"
        )
    out = WEB_DIR / ".build" / _digest(INPUTS)
    bundle = out / BUNDLE_NAME
    if bundle.is_file():
        return bundle
    _install(npm)
    staging = out.with_name(out.name + f".{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    cli = WEB_DIR / "node_modules" / "webpack-cli" / "bin" / "cli.js"
    _run([node, str(cli)], env={**os.environ, "PREBID_OUT_DIR": str(staging)})
    if not (staging / BUNDLE_NAME).is_file():
        raise BuildError(f"webpack finished without writing {BUNDLE_NAME}")
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return bundle
