"""Allows ``python -m uid2_desk``.

Guarded: the desk's checks run in a ``spawn`` worker process, which imports the main module
again (as ``__mp_main__``); unguarded, that worker would start a second desk.
"""

from uid2_desk.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
