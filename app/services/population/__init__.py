"""The population base: finding a resident by ID number (lookup), adding a person not on it yet
(registration), choosing residents by age, tag and grid (selection).

May import: app.services.common, app.services.admin and the models.
"""
