"""End-to-end runs: every scenario headless through the command line."""
