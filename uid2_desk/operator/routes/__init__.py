"""The UID2 endpoints the operator serves, one module per family: token, keys, identity map."""
