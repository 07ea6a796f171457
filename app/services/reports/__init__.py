"""The figures behind the centre's statistics: cases, satisfaction, certificates, population and
their trends, for a period and a scope (the whole centre, one grid, a grid worker's grids).

Owns no table: every figure is read from cases, case events, certificates and the population base
with grouped queries. Each figure has a stable code (``cases.received``) and a Chinese name, defined
once in :mod:`app.services.reports.figures` and precisely in docs/REPORTS.md, so the command line,
the exports and the screens say the same thing. Results are frozen dataclasses.

May import app.models and the packages below it: common, admin, population, grids, cases,
certificates (for their constants). Never printing, never Qt.
"""
