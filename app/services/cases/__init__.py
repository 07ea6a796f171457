"""Cases at the window: the service catalogue (catalogue) and its upkeep by an administrator
(catalogue_admin), one-window intake (intake), the state machine every case follows (workflow),
case numbers (numbers) and finding cases (search).

May import: app.services.common, admin, population, grids and the models.
"""
