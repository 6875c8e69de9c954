"""What the operator remembers, in SQLite: clients, keys, salts, opt-outs, lifetimes, the request
log.

Writes that are off the request path go through the background writer (``writer``).
"""
