"""operator layer of UID2 Desk (see design.md §2)."""
