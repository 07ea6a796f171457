"""Use cases of the centre, with no Qt: each takes a SQLAlchemy session and returns plain objects.

One package per subject; each package's docstring says what it owns and what it may import.
From the bottom up: common → admin, cardreaders → population, grids → cases, certificates, party →
engage → kiosk, imports, sync, desk, exports, reports → volunteers → setup. A package imports only those below
it (tests/unit/test_layering.py).
"""
