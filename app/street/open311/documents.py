"""Open311 answers as documents: XML (the spec's default) or JSON, with the spec's element names.

Each answer is first a list of plain (field, value) rows, then written in either format, so the
two formats always carry the same fields. Errors are the spec's ``<errors><error><code>…`` and,
in JSON, an array of ``{"code", "description"}``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict
from typing import Any

from fastapi.responses import Response

from app.street.open311.catalogue import Attribute, Service
from app.street.open311.filing import Filed
from app.street.open311.reading import PublicRequest

FORMATS = ("xml", "json")
MEDIA = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# The spec's field lists, in its order.
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _respond(fmt: str, status: int, json_body: Any, xml_root: ET.Element) -> Response:
    if fmt == "json":
        body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
    else:
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(xml_root, encoding="utf-8")
    return Response(body, status, media_type=MEDIA[fmt])


def _rows(fmt: str, root: str, item: str, rows: list[dict[str, Any]], status: int = 200) -> Response:
    top = ET.Element(root)
    for row in rows:
        element = ET.SubElement(top, item)
        for name, value in row.items():
            _xml_value(element, name, value)
    return _respond(fmt, status, rows, top)


def error(fmt: str, status: int, description: str) -> Response:
    fmt = fmt if fmt in FORMATS else "xml"
    rows = [{"code": status, "description": description}]
    return _rows(fmt, "errors", "error", rows, status)


def services(fmt: str, found: tuple[Service, ...]) -> Response:
    rows = [
        {
            "service_code": s.code,
            "service_name": s.name,
            "description": s.description,
            "metadata": True,
            "type": "realtime",
            "keywords": ",".join(k for k in s.keywords if k),
            "group": s.group,
        }
        for s in found
    ]
    return _rows(fmt, "services", "service", rows)


def definition(fmt: str, service: Service, attributes: tuple[Attribute, ...]) -> Response:
    listed = []
    top = ET.Element("service_definition")
    _xml_value(top, "service_code", service.code)
    holder = ET.SubElement(top, "attributes")
    for a in attributes:
        fields = {
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description,
            "order": a.order,
            "description": a.description,
        }
        element = ET.SubElement(holder, "attribute")
        for name, value in fields.items():
            _xml_value(element, name, value)
        values = ET.SubElement(element, "values")
        for choice in a.values:
            value = ET.SubElement(values, "value")
            _xml_value(value, "key", choice.key)
            _xml_value(value, "name", choice.name)
        listed.append(dict(fields, values=[{"key": c.key, "name": c.name} for c in a.values]))
    return _respond(fmt, 200, {"service_code": service.code, "attributes": listed}, top)


def requests(fmt: str, found: list[PublicRequest]) -> Response:
    rows = []
    for request in found:
        data = asdict(request)
        # Fields of the spec this server never publishes: the requester's words and exact place.
        rows.append({name: data.get(name, "") for name in REQUEST_FIELDS})
    return _rows(fmt, "service_requests", "request", rows)


def filed(fmt: str, answer: Filed) -> Response:
    return _rows(fmt, "service_requests", "request", [asdict(answer)], 201)


def token(fmt: str, number: str, token_text: str) -> Response:
    return _rows(fmt, "service_requests", "request", [{"service_request_id": number, "token": token_text}])


def discovery(fmt: str, base_url: str, changeset: str) -> Response:
    endpoint = {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": f"{base_url}/open311/v2",
        "changeset": changeset,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    data = {
        "changeset": changeset,
        "contact": "街道办事处",
        "key_service": "由街道办事处用 yichuang street-admin open311-client add 登记发放",
        "endpoints": [endpoint],
    }
    top = ET.Element("discovery")
    for name in ("changeset", "contact", "key_service"):
        _xml_value(top, name, data[name])
    endpoints = ET.SubElement(top, "endpoints")
    element = ET.SubElement(endpoints, "endpoint")
    for name in ("specification", "url", "changeset", "type"):
        _xml_value(element, name, endpoint[name])
    formats = ET.SubElement(element, "formats")
    for media in endpoint["formats"]:
        _xml_value(formats, "format", media)
    return _respond(fmt, 200, data, top)
