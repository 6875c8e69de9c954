"""UID2 Desk: see a UID2 server-only integration happen, exchange by exchange."""

__version__ = "0.1.0"
