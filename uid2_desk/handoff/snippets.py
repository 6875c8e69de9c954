"""Copy-ready set-up for teams who paste the handed identity into their own page.

The identity is the body the operator returned (``refresh_response_key`` included: a web
client needs it to read the refresh replies), so these snippets are for the person's
clipboard only; the desk never logs or journals them. On screen they show
:func:`shown_identity`: the tokens shortened and the key hidden (Copy gives the full value).
"""

from __future__ import annotations

import json

#: What stands for the refresh_response_key on screen.
HIDDEN_KEY = "(hidden: Copy gives it)"
_TOKENS = ("advertising_token", "refresh_token")


def shown_identity(identity: dict[str, object]) -> dict[str, object]:
    """The identity as a snippet shows it on screen: tokens shortened, the key hidden."""
    # Here, not at the top: the window imports this module before the journal is loaded.
    from uid2_desk.journal.masking import shorten_token

    shown = dict(identity)
    for name in _TOKENS:
        value = shown.get(name)
        if isinstance(value, str):
            shown[name] = shorten_token(value)
    if "refresh_response_key" in shown:
        shown["refresh_response_key"] = HIDDEN_KEY
    return shown


def sdk_snippet(identity: dict[str, object], base_url: str) -> str:
    """``__uid2.init({identity, baseUrl})`` for the UID2 SDK for JavaScript."""
    return (
        "<script>\n"
        "  window.__uid2 = window.__uid2 || { callbacks: [] };\n"
        "  window.__uid2.callbacks.push(function (eventType, payload) {\n"
        '    if (eventType === "SdkLoaded") {\n'
        f"      __uid2.init({{ identity: {_js(identity)},\n"
        f"        baseUrl: {json.dumps(base_url)} }});\n"
        "    } else {\n"
        '      console.log("UID2", eventType, payload && payload.identity);\n'
        "    }\n"
        "  });\n"
        "</script>"
    )


def prebid_snippet(identity: dict[str, object], base_url: str) -> str:
    """Prebid.js's uid2 module set-up: ``uid2Token`` and ``uid2ApiBase``."""
    return (
        "<script>\n"
        "  window.pbjs = window.pbjs || { que: [] };\n"
        "  pbjs.que.push(function () {\n"
        "    pbjs.setConfig({ userSync: { userIds: [{ name: 'uid2', params: {\n"
        f"      uid2ApiBase: {json.dumps(base_url)},\n"
        f"      uid2Token: {_js(identity)}\n"
        "    } }] } });\n"
        "    // Prebid has no refresh timer: call pbjs.refreshUserIds() once refresh_from passed.\n"
        "  });\n"
        "</script>"
    )


def _js(identity: dict[str, object]) -> str:
    return json.dumps(identity, indent=2, ensure_ascii=False).replace("\n", "\n      ")
