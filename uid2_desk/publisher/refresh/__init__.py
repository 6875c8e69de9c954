"""Keeping identities fresh: refresh policies, the runner that applies them, the opt-out poll."""
