"""The read-only JSON API at /api/v1/: the portal's data for the central office and other provincial systems,
scoped by communes/access.py exactly as the pages are."""
