"""The street office's own web screens (街道工作台) on the street server: sign-in for street staff,
the escalated cases of the street's communities with their timelines, the street's actions on
them, and joint meetings (联席会). Server-rendered from app/street/templates; every form works
without script.

``models`` are its tables; ``accounts`` the staff accounts, sign-in, lock-out and web sessions;
``cases`` reads the street's cases (scoped to the caller's street); ``actions`` carries out the
street's steps (the same code the API's answer uses, app.street.store.answer); ``meetings``
records joint meetings; ``stats_view`` the 统计 page's figures of the street's communities and
their downloads, ``stats_pages`` its routes, ``charts`` its inline SVG bars; ``routes`` the pages,
with their cookies and CSRF tokens; ``demo`` (with ``demo_figures``) fills a server with a demo
street. docs/STREET.md describes the screens.
"""
