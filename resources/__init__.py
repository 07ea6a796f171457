"""Data files of yichuang: fonts, the service catalogue, templates, tags, demo name lists.

Installed as the package ``yichuang_resources``; read it through ``app.resources`` only.
"""
