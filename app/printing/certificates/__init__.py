"""Certificates and forms as PDF: the page (pdf) and its tables (tables). Called by the
certificate service through the renderer it is handed; knows nothing of serials or the register.

May import: app.printing's shared modules (fonts, qr, layout), app.services for data types and
formatting, and the models.
"""
