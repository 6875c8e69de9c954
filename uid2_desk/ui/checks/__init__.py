"""The *Checks* panel: the integration linter's findings over the session's traffic."""
