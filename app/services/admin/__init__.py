"""The centre itself and who works at it: staff accounts and sign-in (auth), which community this
centre serves and its public details (centre), the population counts the desk opens with (stats).

May import: app.services.common and the models.
"""
