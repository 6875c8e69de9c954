"""Build hook: a wheel carries the top-level ``resources/`` folder as ``uid2_desk/_resources``.

Everything else about the package is in pyproject.toml. Editable installs and source checkouts
read ``resources/`` where it is (see ``uid2_desk/resources.py``); a wheel has no such sibling,
so the scenarios, styles and icons are copied into the package at build time. The README's
screenshots stay out: the app never reads them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SKIPPED = ("screenshots",)


class BuildWithResources(build_py):
    """``build_py`` that also copies ``resources/`` into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "uid2_desk" / "_resources"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(HERE / "resources", target, ignore=shutil.ignore_patterns(*SKIPPED))


setup(cmdclass={"build_py": BuildWithResources})
