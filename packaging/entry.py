"""PyInstaller entry script: the bundled executable runs the same CLI as the console script."""

import multiprocessing
import sys

from uid2_desk.cli.main import main

if __name__ == "__main__":
    # The desk's checks run in a worker process started with "spawn": in the bundle that
    # worker is this executable again, and freeze_support() is what makes it run the worker
    # instead of a second desk.
    multiprocessing.freeze_support()
    sys.exit(main())
