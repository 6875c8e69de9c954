"""``site_data`` of ``/v2/key/sharing`` and ``/v2/key/bidstream`` (OP ``addSites``).

With client-side generation on, the operator tells a buyer's or sharer's SDK which domains
and apps each site's tokens may come from, so it can check a CSTG token's origin: one
entry per site that owns a key in the reply (ascending id), if the site has domain or app
names, ``domain_names`` being both sorted together (``key_sharing_endpoint_provide_app_names``
is on in the operator's local configuration).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from uid2_desk.operator.state.cstg_sites import CstgSites
from uid2_desk.protocol.tokens import Key


def site_data(keys: Iterable[Key], cstg: CstgSites) -> list[dict[str, Any]]:
    """The ``site_data`` array for a reply publishing ``keys``."""
    entries = []
    for site_id in sorted({k.site_id for k in keys if k.site_id is not None}):
        names = cstg.names_of(site_id)
        if names is None:
            continue
        domains, apps = names
        if domains or apps:
            entries.append({"id": site_id, "domain_names": sorted({*domains, *apps})})
    return entries
