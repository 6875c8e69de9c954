"""Tests of the journal, its exports and redaction."""
