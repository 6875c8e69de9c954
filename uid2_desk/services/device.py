"""The desk's device for client-side sign-in: a CSTG client for the session's environment.

On the embedded operator the site is the operator's own (``operator.cstg.settings``), and
the desk's app name (:data:`~uid2_desk.client.cstg_site.DESK_APP_NAME`) is added to its
allowed app names, as ``localhost`` is to its domains, so the desk can play an app at once.
Elsewhere the site is the one kept for the environment (``cstg-sites.json``) or given by
``UID2_CSTG_SUBSCRIPTION_ID`` / ``UID2_CSTG_SERVER_PUBLIC_KEY``; without one there is no
device, and a client-side sign-in says what to enter. :func:`site_view` and :func:`save_site`
are what the desk's client-side site dialog reads and writes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

import httpx

from uid2_desk.client.cstg_client import CstgClient
from uid2_desk.client.cstg_site import DESK_APP_NAME, CstgSite, CstgSiteBook, SiteView
from uid2_desk.client.environments import Environment
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import Clock
from uid2_desk.publisher.publisher import Publisher


class DeskParts(Protocol):
    """The parts of a running desk the site dialog reads and changes (``DeskServices``)."""

    data_dir: Path
    environment: Environment
    clock: Clock
    http: httpx.AsyncClient
    publisher: Publisher
    operator: LocalOperator | None


def device_for(
    http: httpx.AsyncClient,
    environment: Environment,
    clock: Clock,
    data_dir: Path,
    operator: LocalOperator | None,
) -> CstgClient | None:
    """The CSTG client the desk signs users in with client-side, if the site is known."""
    site = local_site(operator) if operator is not None else remote_site(environment, data_dir)
    return None if site is None else CstgClient(http, environment, site, clock=clock)


def local_site(operator: LocalOperator) -> CstgSite:
    """The embedded operator's site, with the desk's app name allowed."""
    if DESK_APP_NAME not in operator.cstg.settings.app_names:
        operator.cstg.add_names(app_names=[DESK_APP_NAME])
    settings = operator.cstg.settings
    return CstgSite(settings.subscription_id, settings.server_public_key)


def remote_site(environment: Environment, data_dir: Path) -> CstgSite | None:
    """The site entered for ``environment``, else the one in the process environment."""
    return CstgSiteBook(data_dir).get(environment.id) or CstgSite.from_environ()


def site_view(services: DeskParts) -> SiteView:
    """The client-side site of ``services``' environment, as the dialog shows it."""
    operator = services.operator
    if operator is not None:
        s = operator.cstg.settings
        return SiteView(True, s.subscription_id, s.server_public_key, s.domain_names, s.app_names)
    device = services.publisher.device
    if device is None:
        return SiteView(False, "", "")
    return SiteView(False, device.site.subscription_id, device.site.server_public_key)


async def save_site(services: DeskParts, edited: SiteView) -> None:
    """Apply the dialog: the embedded operator's names, or a remote environment's site.

    Raises :class:`~uid2_desk.protocol.errors.InputError` naming what is wrong.
    """
    operator = services.operator
    if operator is not None:
        names = (edited.domain_names, edited.app_names)
        await asyncio.to_thread(operator.cstg.set_names, *names)
        return
    site = CstgSite.checked(edited.subscription_id, edited.server_public_key)
    await asyncio.to_thread(CstgSiteBook(services.data_dir).put, services.environment.id, site)
    device = CstgClient(services.http, services.environment, site, clock=services.clock)
    services.publisher.use_device(device)
