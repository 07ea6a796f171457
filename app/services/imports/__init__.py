"""Reading the centre's spreadsheets into the database: the common reader and header matcher
(spreadsheet), residents (residents), grids and their staff (grids), 12345 hotline work orders
(hotline, routed to a grid by hotline_routing). Every import checks every row before it writes.

May import: app.services.common, admin, population, grids, cases and the models.
"""
