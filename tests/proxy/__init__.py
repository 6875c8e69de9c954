"""Tests of the forwarding proxy (issue 17)."""
