"""Allows ``python -m uid2_desk``."""

from uid2_desk.cli.main import main

raise SystemExit(main())
