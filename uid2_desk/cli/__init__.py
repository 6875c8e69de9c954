"""The command line: the one room, with ``app.py``, that sees every layer.

``main`` parses the arguments and dispatches: the desk window, ``operator`` (the local
operator alone), ``run`` and ``scenarios`` (headless scenarios) and their exports.
"""
