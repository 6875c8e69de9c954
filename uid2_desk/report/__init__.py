"""Exports that draw the sequence diagram (the Markdown report): above both the journal and the
walkthrough."""
