"""The centre itself and who works at it: staff accounts and sign-in (auth), which community this
centre serves and its public details (centre), the population counts the desk opens with (stats),
the audit log read and exported for an administrator (audit_log, audit_export), and the guard
that keeps a database put back from a copy from numbering before the street has been asked
(restored).

May import: app.services.common and the models.
"""
