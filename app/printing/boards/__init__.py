"""Grid notice boards (网格公示牌) as PDF: the document (pdf), its blocks (sections, staff, the staff
cards in cards and their small print, organisation and duty, in notes), the drawing primitives
(drawing) and measured CJK text (text).

May import: app.printing's shared modules, app.services.grids.boards for the data it draws, and
the models.
"""
