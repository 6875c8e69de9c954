"""Earlier journal sessions, browsed and reopened read-only (File ▸ Earlier sessions…)."""
