"""The desk-only admin surface of the local operator: opt-outs now, key rotation, faults, clock
skew.

Not part of UID2: loopback-only and guarded by a per-run token (``http``), over the
Qt-free service (``service``) and the fault catalogue (``faults``, ``fault_effects``).
"""
