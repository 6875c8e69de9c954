"""Capture: every request the operator serves, handed out as an Exchange (design.md §2).

The operator stays a standalone server: it knows nothing of journals or windows. Whoever runs
it may set a :data:`CaptureSink` (the composition root wires one to the journal); the HTTP
layer then builds one :class:`~uid2_desk.protocol.exchange.Exchange` per served request,
decrypted request and reply included, attributed to its client and explained when it failed,
and calls the sink on the request's thread. A sink must be quick and must not block: the
composition root's sinks only put the exchange in a bounded buffer.
"""

from collections.abc import Callable

from uid2_desk.protocol.exchange import Exchange

#: What receives captured exchanges. Called once per served request, never for the admin API.
CaptureSink = Callable[[Exchange], None]

__all__ = ["CaptureSink"]
