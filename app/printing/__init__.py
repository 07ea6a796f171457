"""Printed matter: reportlab PDFs with embedded Chinese fonts and QR codes. Shared machinery
(fonts, qr, layout) at the top; one package per family of documents (certificates, boards,
documents). No Qt, except in the one named bridge to Qt's PDF view and printers (qt_bridge),
which only views import.

Printing sits above the services: it may read their data types and formatting, while a service
that needs a PDF is handed a renderer by its caller and never imports this package.
"""
