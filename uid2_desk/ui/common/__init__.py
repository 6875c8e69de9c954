"""What every room of the UI shares: theme and look, the Qt bridge, tasks, the ticker, formatting
helpers."""
