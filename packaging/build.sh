#!/usr/bin/env bash
# Builds the one-folder bundle dist/uid2-desk/ with PyInstaller, from the active Python
# environment (which must have uid2-desk installed, e.g. `pip install -e . pyinstaller`).
# Prints the bundle's size. Usage: packaging/build.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
"$python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/uid2-desk.spec
echo "bundle: dist/uid2-desk ($(du -sh dist/uid2-desk | cut -f1), $(find dist/uid2-desk -type f | wc -l) files)"
