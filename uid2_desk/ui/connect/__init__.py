"""The *Connect your client* dialog: the embedded operator's address, credentials, snippets."""
