"""Tests of the walkthrough catalogue and the sequence-diagram layout."""
