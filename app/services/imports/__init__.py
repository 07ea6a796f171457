"""Reading the centre's spreadsheets into the database: the common reader, header matcher and
row verdicts (spreadsheet), residents (residents, their rows read by resident_rows), grids and
their staff (grids), 12345 hotline work orders (hotline, their rows read by hotline_rows, routed to
a grid by hotline_routing), a branch's party roster (party_roster). Every import checks every row before it writes.

May import: app.services.common, admin, population, grids, cases, party and the models.
"""
