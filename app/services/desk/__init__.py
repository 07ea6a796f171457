"""What the front desk's screens read that spans several subjects (the resident panel: a person
with their cases and certificates).

May import: app.services.common, admin, population, grids, cases, certificates, party and the models.
"""
