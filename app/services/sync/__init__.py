"""The community's side of the sync with the street office (protocol v1, docs/SYNC.md): records
as they travel (records) and the push/pull rounds (client). The outbox itself is written by the
models (app.models.outbox).

May import: app.services.common, admin, population, grids, cases, certificates and the models.
"""
