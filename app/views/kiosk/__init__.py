"""The self-service kiosk (自助服务终端): full-screen touch pages for residents.

``controller.KioskController`` is the session without widgets: who is identified, the request
being drafted, navigation and every call to the services (slow ones as ops on the runner). The
pages (``pages``, ``service_pages``, ``request_pages``, ``booking_pages``, on the frame of
``page.Page``) know only the controller, never the window or each other. ``window.KioskWindow``
composes the pages, the header (``frame``), the overlays, the idle timer and the controller;
``launch.run_kiosk`` starts it (or renders a page for a screenshot); ``printer.KioskPrinter``
prints without a dialog. The use cases themselves are in ``app.services.kiosk``.
"""

# Pages ``yichuang kiosk --screenshot --page NAME`` can render (kept here, free of Qt, so the
# command line can offer them without loading Qt).
SCREENSHOT_PAGES = (
    "home",
    "keypad",
    "menu",
    "typed",
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
    "sign_in",
)
