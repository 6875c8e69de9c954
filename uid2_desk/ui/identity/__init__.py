"""The test user and their identity: sign-in, the users list, the identity panel, countdowns,
tokens, Send to SSP."""
