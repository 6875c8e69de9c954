"""The forwarding proxy: the team's client talks to a real operator through the desk.

A standalone room like the operator: it imports only :mod:`uid2_desk.protocol`. The
composition root (``uid2-desk proxy``) gives it the upstream, the client secrets it may use
and a capture sink; every request is forwarded byte for byte, its reply returned byte for
byte, and one :class:`~uid2_desk.protocol.exchange.Exchange` per request handed to the sink,
opened where a secret allows and with the reason where none does.
"""

from collections.abc import Callable

from uid2_desk.protocol.exchange import Exchange

#: What receives the proxy's captured exchanges (called once per forwarded request).
ProxySink = Callable[[Exchange], None]

__all__ = ["ProxySink"]
