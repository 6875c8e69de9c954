"""The hand-off page: a loopback page that gives a desk identity to a real UID2 web client.

In the client-server integration the publisher's server hands the identity it generated to
the page (1-f), and the browser's UID2 client (the UID2 SDK for JavaScript, or Prebid.js with
the uid2 module) refreshes it from then on. :class:`~.server.HandOffServer` serves that page
from ``http://localhost:<port>`` (a secure context, so Web Crypto works), with the client
script the user chose, and passes what the page's client reports back to the desk.
:mod:`.snippets` writes the same set-up for teams who paste it into their own page.
"""

from uid2_desk.handoff.page import ClientScript, HandOffPage, PageReport
from uid2_desk.handoff.server import HandOffServer

__all__ = ["ClientScript", "HandOffPage", "HandOffServer", "PageReport"]
