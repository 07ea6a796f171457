"""The self-service kiosk's use cases, no Qt: identification (service, which re-exports the rest
for the screens and commands), certificates printed at the kiosk, the resident's own cases,
requests (诉求), window appointments (booking), its settings, PIN, masking and audit (common), and
the demo data its screenshots show (demo).

May import: app.services.common, admin, population, grids, cases, certificates and the models.
"""
