"""Certificates and forms: templates as data (template_schema, template_checks, template_spec,
templates), what the desk and the command line list of them (listing), the register and its
serials (register), signing and offline checking (keys, signing), and issuing, reprinting and
batches as one use case (issue), which renders through a renderer passed in.

May import: app.services.common, admin, population, grids and the models; never app.printing
(the PDF renderer is handed in by the desk, the kiosk or the command line).
"""
