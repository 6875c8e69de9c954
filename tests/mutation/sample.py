"""The CI sample: a fixed, seeded choice of mutants from every guarded module.

A mutant is in the sample when the SHA-256 of :data:`SEED` and its name ranks among the
:data:`PER_MODULE` lowest of its module. The choice depends only on the names, so it is the
same on every machine and run; editing one function reshuffles only that function's mutants.
Run as ``python -m tests.mutation.sample PATH...`` inside the mutation workspace (mutmut reads
its configuration from the working directory), it prints the sampled names, one a line.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

#: Change it to draw another sample (then kill or explain that sample's survivors).
SEED = "uid2-desk mutation sample 1"
#: Mutants per module: 19 modules, about 190 mutants, about two minutes on two cores.
PER_MODULE = 10


def mutant_names(path: str) -> list[str]:
    """Every mutant mutmut makes of the module at ``path``, by the name mutmut gives it."""
    # mutmut 3.8.1's own generator (pinned in the test extra), so the names are its names.
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    mutated = mutate_file_contents(path, Path(path).read_text(encoding="utf-8"))
    return [get_mutant_name(Path(path), name) for name in mutated.mutant_names]


def rank(name: str) -> bytes:
    """The seeded, stable sort key of a mutant."""
    return hashlib.sha256(f"{SEED}\0{name}".encode()).digest()


def sample(names: list[str], size: int = PER_MODULE) -> list[str]:
    """The ``size`` mutants of one module that rank lowest."""
    return sorted(sorted(names, key=rank)[:size])


if __name__ == "__main__":
    for module_path in sys.argv[1:]:
        print("\n".join(sample(mutant_names(module_path))))
