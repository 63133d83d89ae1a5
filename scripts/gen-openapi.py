#!/usr/bin/python3
"""Writes docs/openapi.json, the OpenAPI 3.1 document of HTTP API v1, from the
tables below (keep them in step with src/server/router.c: the HTTP tests check
that every endpoint of the table is here, and every reply against it).

  python3 scripts/gen-openapi.py > docs/openapi.json
"""
import json

S = {"type": "string"}
I = {"type": "integer"}
N = {"type": "number"}
B = {"type": "boolean"}
NS = {"type": ["string", "null"]}
NI = {"type": ["integer", "null"]}
T = {"type": "string", "description": "ISO 8601 in the server's zone, e.g. 2026-12-01T08:00:00+08:00"}
TIN = {"oneOf": [{"type": "integer", "minimum": 0, "description": "Unix seconds"},
                 {"type": "string", "description": "ISO 8601: 2026-12-01T08:00:00+08:00, or a date 2026-12-01"}]}


def obj(props, required=None):
    o = {"type": "object", "properties": props}
    if required is not None:
        o["required"] = required
    return o


def arr(items):
    return {"type": "array", "items": items}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def q(name, schema, desc, required=False):
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": desc}


CRS = q("crs", {"type": "string", "enum": ["wgs84", "gcj02", "bd09"], "default": "wgs84"},
        "coordinate system of the coordinates sent and returned (WGS-84 by default; gcj02: Amap, phones in China; bd09: Baidu)")
LON = q("lon", {"type": "number", "minimum": -180, "maximum": 180}, "longitude", True)
LAT = q("lat", {"type": "number", "minimum": -90, "maximum": 90}, "latitude", True)
MIN = q("minutes", {"type": "number", "minimum": 1, "maximum": 60, "default": 15}, "walking minutes")
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}

schemas = {
    "Error": obj({"code": {"type": "string", "description": "qt_status name, e.g. QT_ECONFLICT"},
                  "status": {"type": "integer", "description": "the HTTP status"},
                  "message": S, "field": {"type": ["string", "null"], "description": "the field or parameter at fault"}},
                 ["code", "status", "message", "field"]),
    "Outlet": obj({"id": I, "ext_id": NS, "name": S, "category": NS, "lon": N, "lat": N, "address": S, "brand": S,
                   "chain": B, "opening_hours": S, "services": arr(S), "cash": B, "barrier_free": B, "community": S,
                   "circle": S, "closed_at": T, "credit": obj({"score": I, "grade": S, "complaints_365d": I},
                                              ["score", "grade", "complaints_365d"])},
                  ["id", "name", "category", "lon", "lat", "address", "opening_hours", "services"]),
    "NearbyOutlet": obj({"id": I, "name": S, "category": NS, "lon": N, "lat": N, "distance_m": N, "time_s": N,
                         "services": arr(S), "opening_hours": S},
                        ["id", "name", "category", "lon", "lat", "distance_m", "time_s", "services", "opening_hours"]),
    "Good": obj({"id": I, "outlet_id": I, "name": S, "price": N, "unit": S, "in_stock": B, "barcode": NS,
                 "outlet": obj({"id": I, "name": S, "lon": N, "lat": N}), "distance_m": N, "time_s": N},
                ["id", "outlet_id", "name", "price", "unit", "in_stock", "barcode"]),
    "GoodIn": obj({"name": {"type": "string", "minLength": 1, "maxLength": 200}, "price": {"type": "number", "minimum": 0},
                   "unit": S, "in_stock": {"type": ["boolean", "null"]},
                   "barcode": {"type": "string", "pattern": "^[0-9]{8,14}$"}}, ["name", "price"]),
    "Coupon": obj({"id": I, "title": S, "outlet_id": I, "outlet_name": S, "lon": N, "lat": N, "quantity": I,
                   "remaining": I, "per_user_limit": I, "valid_from": T, "valid_to": T, "distance_m": N, "time_s": N},
                  ["id", "title", "outlet_id", "remaining", "valid_from", "valid_to"]),
    "Claim": obj({"code": S, "title": S, "coupon_id": I, "outlet_id": I, "outlet_name": S,
                  "status": {"type": "string", "enum": ["active", "redeemed", "expired"]}, "claimed_at": T,
                  "valid_from": T, "valid_to": T, "redeemed_at": {"type": ["string", "null"]}},
                 ["code", "coupon_id", "status", "claimed_at", "redeemed_at"]),
    "Complaint": obj({"id": I, "outlet_id": I, "outlet_name": S, "kind": S, "text": S,
                      "status": {"type": "string", "enum": ["open", "upheld", "rejected"]}, "created_at": I,
                      "answer": NS, "answered_at": NI, "resolution": NS, "resolved_at": NI},
                     ["id", "outlet_id", "kind", "status", "created_at"]),
    "Job": obj({"id": I, "title": S, "description": S, "pay": S, "lon": N, "lat": N, "distance_m": N, "time_s": N,
                "outlet_id": I, "expires_at": T}, ["id", "title", "lon", "lat", "distance_m", "time_s", "expires_at"]),
    "MyJob": obj({"id": I, "title": S, "description": S, "pay": S, "lon": N, "lat": N, "outlet_id": NI,
                  "created_at": T, "expires_at": T, "status": {"type": "string", "enum": ["open", "expired"]}},
                 ["id", "title", "lon", "lat", "outlet_id", "created_at", "expires_at", "status"]),
    "Application": obj({"job_id": I, "job_title": S, "user_id": I, "user_name": S, "message": S, "created_at": I},
                       ["job_id", "user_id", "created_at"]),
    "Circle": obj({"id": I, "name": S, "grade": NS, "indicators": {"type": ["object", "null"]}, "communities": I,
                   "outlets": I, "investment": N,
                   "survey": obj({"period": S, "answers": I, "satisfied": I, "valid": B, "min_samples": I,
                                  "satisfaction": {"type": ["number", "null"]}},
                                 ["period", "answers", "valid", "min_samples", "satisfaction"])},
                  ["id", "name", "survey"]),
    "GeoJSON": {"type": "object", "properties": {"type": S}, "required": ["type"]},
}

E = {"description": "an error, in the one error shape", "content": {"application/json": {"schema": ref("Error")}}}


def ok(schema, status="200", desc="ok", ctype="application/json"):
    return {status: {"description": desc, "content": {ctype: {"schema": schema}}}, "default": E}


def body(schema, ctype="application/json"):
    return {"required": True, "content": {ctype: {"schema": schema}}}


BEARER = [{"bearer": []}]

# (method, path, summary, roles, parameters, requestBody, responses)
ops = [
    ("get", "/api/v1/", "The endpoints with the roles that may call them", "anyone", [], None,
     ok(obj({"name": S, "version": S, "openapi": S,
             "endpoints": arr(obj({"method": S, "path": S, "roles": arr(S)}, ["method", "path", "roles"]))},
            ["endpoints"]))),
    ("get", "/api/v1/openapi.json", "This document", "anyone", [], None, ok({"type": "object"})),
    ("get", "/api/v1/health", "The service's state", "anyone", [], None,
     ok(obj({"status": S, "outlets": I, "nodes": I}, ["status", "outlets", "nodes"]))),
    ("get", "/api/v1/nearby", "Outlets by walking time, nearest first", "anyone",
     [LON, LAT, MIN, q("category", S, "a 业态: code (B03), Chinese name (菜市场), alias or English name; unknown: 422"),
      q("q", S, "a Chinese substring of the name, address or services"), q("service", S, "a service, e.g. 打印复印"),
      q("open_now", {"type": "string", "enum": ["0", "1", "true", "false"]}, "open now, in the server's --tz"),
      q("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 20}, "at most this many"), CRS], None,
     ok(obj({"outlets": arr(ref("NearbyOutlet")), "minutes": N, "note": S}, ["outlets"]))),
    ("get", "/api/v1/outlets/{id}", "One outlet with its credit", "anyone", [ID, CRS], None, ok(ref("Outlet"))),
    ("get", "/api/v1/places", "Communities, circles, named residences and outlets whose name holds q", "anyone",
     [q("q", S, "the text typed", True),
      q("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}, "at most this many"), CRS], None,
     ok(obj({"places": arr(obj({"kind": {"type": "string", "enum": ["community", "circle", "residence", "outlet"]},
                                "name": S, "lon": N, "lat": N, "circle": S, "id": I, "category": S},
                               ["kind", "name", "lon", "lat"])), "note": S}, ["places"]))),
    ("get", "/api/v1/me/outlets", "The caller's (a merchant's) linked shops, in id order", "merchant", [CRS], None,
     ok(obj({"outlets": arr(ref("Outlet"))}, ["outlets"]))),
    ("patch", "/api/v1/outlets/{id}", "Edit an outlet: its merchant (hours, services, address, cash, barrier-free), "
     "the operator of its circle, an admin", "merchant, operator, admin", [ID, CRS],
     body(obj({"name": S, "category": S, "address": S, "brand": S, "opening_hours": S, "services": S,
               "cash": {"type": ["boolean", "null"]}, "barrier_free": {"type": ["boolean", "null"]}})),
     ok(ref("Outlet"))),
    ("get", "/api/v1/outlets/{id}/goods", "A shop's goods", "anyone", [ID], None,
     ok(obj({"outlet_id": I, "goods": arr(ref("Good"))}, ["outlet_id", "goods"]))),
    ("post", "/api/v1/outlets/{id}/goods", "Its merchant lists a good", "merchant", [ID], body(ref("GoodIn")),
     ok(ref("Good"), "201", "created")),
    ("put", "/api/v1/outlets/{id}/goods.csv", "Its merchant adds a list of goods (CSV: name,price[,unit][,in_stock][,barcode]) in one transaction",
     "merchant", [ID], body({"type": "string"}, "text/csv"),
     ok(obj({"outlet_id": I, "added": I}, ["outlet_id", "added"]))),
    ("put", "/api/v1/goods/{id}", "Its merchant replaces a good", "merchant", [ID], body(ref("GoodIn")), ok(ref("Good"))),
    ("delete", "/api/v1/goods/{id}", "Its merchant removes a good", "merchant", [ID], None,
     ok(obj({"id": I, "status": S}, ["id", "status"]))),
    ("get", "/api/v1/goods", "Goods by a word within a walk, nearest first", "anyone",
     [q("q", S, "a word of the good's name (Chinese substring)", True),
      q("near", S, "LON,LAT", True), MIN,
      q("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "at most this many"),
      q("in_stock", {"type": "string", "enum": ["0", "1"]}, "0: also goods out of stock"), CRS], None,
     ok(obj({"goods": arr(ref("Good")), "minutes": N, "note": S}, ["goods"]))),
    ("post", "/api/v1/auth/register", "A resident registers, with its home (placed on a circle)", "anyone", [CRS],
     body(obj({"name": {"type": "string", "minLength": 1, "maxLength": 64},
               "password": {"type": "string", "minLength": 8, "maxLength": 256},
               "home": obj({"lon": N, "lat": N}, ["lon", "lat"])}, ["name", "password"])),
     ok(obj({"id": I, "name": S, "role": S, "home_circle_id": NI}, ["id", "name", "role"]), "201", "created")),
    ("post", "/api/v1/auth/login", "A bearer token", "anyone", [],
     body(obj({"name": S, "password": S}, ["name", "password"])),
     ok(obj({"token": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "role": S, "user_id": I, "expires_in": I},
            ["token", "role", "user_id", "expires_in"]))),
    ("post", "/api/v1/users", "The admin creates an account (one transaction)", "admin", [],
     body(obj({"name": S, "password": S, "role": {"type": "string", "enum": ["admin", "operator", "merchant", "resident"]},
               "circle_id": I, "home_circle_id": I}, ["name", "password", "role"])),
     ok(obj({"id": I, "name": S, "role": S}, ["id", "name", "role"]), "201", "created")),
    ("post", "/api/v1/users/{id}/outlets", "The admin links a merchant to a shop", "admin", [ID],
     body(obj({"outlet_id": I}, ["outlet_id"])), ok(obj({"user_id": I, "outlet_id": I}, ["user_id", "outlet_id"]))),
    ("put", "/api/v1/users/{id}/home", "An admin, or the operator of that circle, sets a resident's home", "operator, admin",
     [ID], body(obj({"circle_id": I, "lon": N, "lat": N}, ["circle_id"])),
     ok(obj({"user_id": I, "home_circle_id": I}, ["user_id", "home_circle_id"]))),
    ("post", "/api/v1/coupons", "A merchant issues a coupon for its shop", "merchant", [],
     body(obj({"outlet_id": I, "title": S, "quantity": I, "per_user_limit": I, "valid_from": TIN, "valid_to": TIN},
              ["outlet_id", "title", "quantity", "per_user_limit", "valid_from", "valid_to"])),
     ok(obj({"id": I, "valid_from": T, "valid_to": T}, ["id"]), "201", "created")),
    ("get", "/api/v1/coupons", "Coupons valid now with some left: near a point, or of a shop", "anyone",
     [q("near", S, "LON,LAT"), q("outlet_id", I, "one shop's"), MIN,
      q("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "at most this many"), CRS], None,
     ok(obj({"coupons": arr(ref("Coupon")), "note": S}, ["coupons"]))),
    ("post", "/api/v1/coupons/{id}/claim", "A resident claims a coupon; Idempotency-Key makes a retry safe", "resident",
     [ID, {"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string", "maxLength": 64},
           "description": "a retry with the same key returns the first claim's code (200, replayed)"}], None,
     {"201": {"description": "claimed", "content": {"application/json": {"schema": obj(
         {"code": S, "coupon_id": I, "replayed": B}, ["code", "coupon_id", "replayed"])}}},
      "200": {"description": "the same claim again (Idempotency-Key)", "content": {"application/json": {"schema": obj(
          {"code": S, "coupon_id": I, "replayed": B}, ["code", "coupon_id", "replayed"])}}},
      "default": E}),
    ("get", "/api/v1/me/coupons", "My coupons, newest first, with their status", "resident",
     [q("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "at most this many")], None,
     ok(obj({"coupons": arr(ref("Claim"))}, ["coupons"]))),
    ("get", "/api/v1/me/coupons/qr", "The QR code of one of my codes", "resident",
     [q("code", S, "the code", True), q("format", {"type": "string", "enum": ["svg", "png"], "default": "svg"}, "image format")],
     None, {"200": {"description": "the image", "content": {"image/svg+xml": {"schema": {"type": "string"}},
                                                            "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}}}},
            "default": E}),
    ("post", "/api/v1/redemptions", "The shop's merchant redeems a code (any case, dashes, O/0, I/L/1 forgiven)",
     "merchant", [], body(obj({"code": S}, ["code"])), ok(obj({"status": S, "code": S}, ["status", "code"]))),
    ("get", "/api/v1/circles/{id}", "A circle: grade, indicators, the survey of a period", "anyone",
     [ID, q("period", S, "2026 or 2026-Q3 (default: this quarter)")], None, ok(ref("Circle"))),
    ("post", "/api/v1/circles/{id}/survey", "A resident answers the survey of its home circle", "resident", [ID],
     body(obj({"satisfied": B, "comment": S, "period": {"type": "string", "pattern": "^[0-9]{4}(-Q[1-4])?$"}},
              ["satisfied"])), ok(obj({"circle_id": I, "period": S}, ["circle_id", "period"]), "201", "created")),
    ("post", "/api/v1/complaints", "A resident complains about a shop (one per shop in 30 days)", "resident", [],
     body(obj({"outlet_id": I, "kind": S, "text": S}, ["outlet_id", "kind"])),
     ok(obj({"id": I, "status": S}, ["id"]), "201", "created")),
    ("get", "/api/v1/complaints", "Complaints the caller may see", "resident, merchant, operator, admin",
     [q("outlet_id", I, "one shop's"), q("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "at most")], None,
     ok(obj({"complaints": arr(ref("Complaint"))}, ["complaints"]))),
    ("post", "/api/v1/complaints/{id}/answer", "The shop's merchant answers", "merchant", [ID],
     body(obj({"answer": S}, ["answer"])), ok(obj({"id": I, "status": S}, ["id", "status"]))),
    ("post", "/api/v1/complaints/{id}/resolution", "The circle's operator or an admin upholds or rejects",
     "operator, admin", [ID], body(obj({"decision": {"type": "string", "enum": ["upheld", "rejected"]}, "note": S},
                                       ["decision"])), ok(obj({"id": I, "status": S}, ["id", "status"]))),
    ("get", "/api/v1/route", "The walking route between two points (GeoJSON Feature)", "anyone",
     [q("from", S, "LON,LAT", True), q("to", S, "LON,LAT", True), CRS], None, ok(ref("GeoJSON"))),
    ("get", "/api/v1/isochrone", "Walking isochrones (GeoJSON); at most 4 rings, minutes adding up to 60", "anyone",
     [LON, LAT, q("minutes", S, "ascending list, e.g. 5,10,15"), CRS], None,
     {"200": {"description": "ok", "content": {"application/geo+json": {"schema": ref("GeoJSON")}}}, "default": E}),
    ("get", "/api/v1/jobs", "Open jobs within a walk, nearest first (closed ones are not listed)", "anyone",
     [LON, LAT, MIN, q("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "at most"), CRS], None,
     ok(obj({"jobs": arr(ref("Job")), "note": S}, ["jobs"]))),
    ("post", "/api/v1/jobs", "A merchant (its shop) or an operator (its circle) posts a job", "merchant, operator", [CRS],
     body(obj({"title": S, "lon": N, "lat": N, "description": S, "pay": S, "outlet_id": I, "expires_at": TIN},
              ["title", "lon", "lat"])),
     ok(obj({"id": I, "expires_at": T}, ["id", "expires_at"]), "201", "created")),
    ("put", "/api/v1/jobs/{id}", "Its poster edits a job: texts, or the closing time (now or earlier closes it)",
     "merchant, operator (the poster)", [ID, CRS],
     body(obj({"title": S, "description": S, "pay": S, "expires_at": TIN})), ok(ref("MyJob"))),
    ("get", "/api/v1/me/jobs", "The jobs the caller posted, newest first, open and expired", "merchant, operator",
     [q("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}, "at most"), CRS], None,
     ok(obj({"jobs": arr(ref("MyJob"))}, ["jobs"]))),
    ("post", "/api/v1/jobs/{id}/applications", "A resident applies (once) to an open job (410 once closed)", "resident",
     [ID],
     {"required": False, "content": {"application/json": {"schema": obj({"message": S})}}},
     ok(obj({"job_id": I, "status": S}, ["job_id", "status"]), "201", "created")),
    ("get", "/api/v1/jobs/{id}/applications", "Who applied to one of the caller's jobs", "merchant, operator", [ID], None,
     ok(obj({"applications": arr(ref("Application"))}, ["applications"]))),
    ("get", "/api/v1/me/applications", "Who applied to the caller's jobs", "merchant, operator", [], None,
     ok(obj({"applications": arr(ref("Application"))}, ["applications"]))),
]

paths = {}
for method, path, summary, roles, params, req, resp in ops:
    op = {"summary": summary, "description": f"Who: {roles}.", "operationId": (method + path.replace("/api/v1", "")
          .replace("/", "_").replace("{id}", "by_id").replace(".", "_")).strip("_") or method + "_index",
          "parameters": params, "responses": resp}
    if roles != "anyone":
        op["security"] = BEARER
    if req:
        op["requestBody"] = req
    paths.setdefault(path, {})[method] = op

doc = {
    "openapi": "3.1.0",
    "info": {"title": "quarter HTTP API", "version": "1",
             "description": "The service platform of 一刻钟便民生活圈 (docs/http-api.md). Every error is the Error "
                            "shape; 429 and 503 carry Retry-After. Coordinates are WGS-84 unless crs says otherwise."},
    "servers": [{"url": "http://127.0.0.1:8015"}],
    "components": {"schemas": schemas,
                   "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                  "description": "POST /api/v1/auth/login gives the token"}}},
    "paths": paths,
}
print(json.dumps(doc, ensure_ascii=False, indent=2))
