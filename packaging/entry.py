"""PyInstaller entry script: the bundled executable runs the same CLI as the console script."""

import sys

from uid2_desk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
