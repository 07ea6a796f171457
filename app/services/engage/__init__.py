"""Community engagement: micro-wishes (微心愿: posting, review, claim, fulfilment and the wisher's
rating; wishes), the public wish list and yearly counts (wish_reads), home visits by grid workers
(visits) and who is due a visit by the visiting rules of their tags (visit_due).

A problem found on a visit becomes a grid case through app.services.cases.grid_report.
May import: app.services.common, admin, population, grids, cases and the models.
"""
