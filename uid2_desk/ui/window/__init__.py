"""The desk window: its frame, menus and toolbar, status bar and banner, start-up, and the handlers
of its actions.

The window builds its children and wires them; no panel imports the window.
"""
