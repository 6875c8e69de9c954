"""protocol layer of UID2 Desk (see design.md §2): pure functions and value objects, no I/O.

- :mod:`.errors` the one exception tree; :mod:`.clock` time as an injectable ``Clock``.
- :mod:`.normalize` email/phone/hash rules exactly as the operator's ``InputUtil``; ``Dii``.
- :mod:`.envelope` the v2 request/response envelope and refresh replies (:mod:`.crypto` GCM).
- :mod:`.tokens` inspect any advertising token; the v2/v3/v4 codec; refresh tokens and the
  388-character wrapper (layouts in the ``tokens_*`` helpers).
- :mod:`.identity` the identity body in epoch milliseconds; its phase and countdowns.
- :mod:`.exchange` the record of one HTTP exchange.
- :mod:`.cstg` client-side token generation for both sides (ECDH key, AAD, sealed payload
  and reply); :mod:`.cstg_keys` its ``UID2-X-L-``/``UID2-Y-L-`` key strings.
"""
