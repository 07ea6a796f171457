"""Open311 GeoReport v2 on the street server (``/open311/v2/``): other programs file civic
requests and follow them. docs/OPEN311.md describes the interface and its rules.

``catalogue`` says which services may be requested (the catalogue's self-service items and the
kiosk's request categories) and their attributes; ``filing`` turns a POSTed request into a case
the street holds for the owning community, exactly as a kiosk request would be (its desk takes it
at the next sync); ``reading`` answers the public GETs from the cases' current status;
``documents`` writes the answers as XML (the spec's default) or JSON, errors included;
``routes`` puts it on the FastAPI application. Public answers carry the spec's fields only, with
the place given at grid level: never a name, a phone, an ID number or the request's own words.

May import: app.street (its models, store and keys), app.services (the catalogue file, the kiosk's
default categories, the working-day calendar, the ID-number masking).
"""
