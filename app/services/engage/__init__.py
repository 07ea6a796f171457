"""Community engagement: micro-wishes (微心愿: posting, review, claim, fulfilment and the wisher's
rating; wishes), the public wish list and yearly counts (wish_reads), home visits by grid workers
(visits) and who is due a visit by the visiting rules of their tags (visit_due); partner units
(共建单位) with their lists and 双报到 members (partners, partner_reads) and 双向认领 projects
(partner_projects); 议事 records with the 四议两公开 steps and their notice (deliberations,
deliberation_reads).

A problem found on a visit becomes a grid case through app.services.cases.grid_report.
May import: app.services.common, admin, population, grids, cases, party and the models.
"""
