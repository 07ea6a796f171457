"""The self-service kiosk (自助服务终端): full-screen touch pages for residents.

``window.KioskWindow`` holds the pages and the rules that protect one resident's data from the
next; ``launch.run_kiosk`` starts it (or renders a page for a screenshot); ``printer.KioskPrinter``
prints without a dialog. The use cases themselves are in ``app.services.kiosk.service``.
"""

# Pages ``yichuang kiosk --screenshot --page NAME`` can render (kept here, free of Qt, so the
# command line can offer them without loading Qt).
SCREENSHOT_PAGES = (
    "home",
    "keypad",
    "menu",
    "norecord",
    "certificates",
    "confirm",
    "cases",
    "rating",
    "request",
    "request_text",
    "phone",
    "result",
    "booking",
    "slots",
    "my_bookings",
    "countdown",
    "pin",
)
