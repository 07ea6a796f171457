"""The self-service kiosk's use cases, no Qt: identification and what a resident may see and do
(service), window appointments (booking), its settings, PIN, masking and audit (common).

May import: app.services.common, admin, population, grids, cases, certificates and the models.
"""
