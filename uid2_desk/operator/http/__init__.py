"""The operator's HTTP face: the ASGI app, the request pipeline, wire helpers, envelopes, the
server runner."""
