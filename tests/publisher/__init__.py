"""Tests of the publisher layer: users, identities, policies, scenarios."""
