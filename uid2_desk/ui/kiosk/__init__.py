"""The kiosk: a full-screen, unattended loop of demo scenarios for a booth (``uid2-desk --kiosk``).

- :mod:`.autoplay`: the loop (Qt-free): scenarios one after another, forever, presenter keys,
  pause on touch and resume when idle; what it plays (:mod:`.playlist`), its pacing and the
  status it reports (:mod:`.kiosk_status`), all Qt-free.
- :mod:`.host`: a fresh journal session and publisher per run, old sessions pruned (Qt-free).
- :mod:`.exit_chord`: the deliberate key chord that leaves kiosk mode (Qt-free).
- :mod:`.device_frame`, :mod:`.window`, :mod:`.kiosk_look`: what is on screen.
"""
