"""GET /api/v1/openapi.json: the OpenAPI 3 document, generated from app/schemas.py.

Request and response bodies come from the marshmallow schemas (apispec); paths come from
the app's own URL rules, so the document cannot drift from the routes. What is written by
hand here is what a schema cannot say: the answers each operation gives, and why.
"""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify

from app import schemas
from app.api import bp
from app.api.photos import ACCEPTED_TYPES, CAPTION_HEADER

SCHEMAS = {
    "Me": schemas.MeSchema,
    "VisitIn": schemas.VisitInSchema,
    "Visit": schemas.VisitOutSchema,
    "ActionStepChange": schemas.ActionStepPatchSchema,
    "StepCommentIn": schemas.StepCommentInSchema,
    "StepComment": schemas.StepCommentOutSchema,
    "PracticeEntryIn": schemas.PracticeEntryInSchema,
    "PracticeEntry": schemas.PracticeEntryOutSchema,
    "PhotoUpload": schemas.PhotoUploadOutSchema,
    "LibraryStep": schemas.LibraryStepSchema,
    "Error": schemas.ErrorSchema,
}

DESCRIPTION = """\
The JSON API the coach's device syncs through. Every write is idempotent on a UUID the
device makes: sending the same request again, or ten times at once, leaves one visit and
one photo. Sign in through `POST /login` (a session cookie); send the page's CSRF token
(`<meta name="csrf-token">`) in the `X-CSRFToken` header on every write. Under `/api/`
nothing redirects: an expired session answers 401 JSON. Every JSON answer about a visit
or photo, errors included, carries its `id`.

Errors: `{"id", "error", "errors": {field: [messages]}}`. 400 body is not JSON (or the
CSRF token is missing); 401 signed out; 404 not found or not yours to see; 409 conflicts
with what is saved; 413 too large (a JSON body over 256 KB, a photo over the size limit,
or a photo with more than 50 megapixels: decompression bombs answer **413**); 415 not
JSON, or not a JPEG/PNG/WebP/HEIC photo; 422 a field is invalid (each is named).
"""


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _path_id(name: str, kind: str = "uuid", **more) -> dict:
    """A path parameter: a UUID made on the device, or a server's integer id."""
    schema = {"type": "string", "format": "uuid"} if kind == "uuid" else {"type": "integer"}
    return {"name": name, "in": "path", "required": True, "schema": schema, **more}


VISIT_ID = _path_id(
    "visit_id", description="Made on the device (crypto.randomUUID()) when the drop-in starts."
)
PHOTO_ID = _path_id("photo_id")
STEP_ID = _path_id("action_step_id", "integer")
SIGNED_OUT = _error("Not signed in (never a redirect).")
NOT_FOUND = _error("No such visit, or not one you may see.")

OPERATIONS: dict[str, dict] = {
    "api.me": {
        "get": {
            "summary": "Who is signed in, and the teachers they may write a visit for",
            "description": (
                "At most 500 teachers, the user's own coachees first, then by name; when "
                'there are more (a trust lead), the answer adds `"more_teachers": true` and '
                "`?q=` finds the others by name or email."
            ),
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 100},
                    "description": "Only teachers whose name or email contains this.",
                }
            ],
            "responses": {
                "200": _json("Me", "The signed-in person."),
                "400": _error("The search is too long."),
                "401": SIGNED_OUT,
            },
        }
    },
    "api.put_visit": {
        "put": {
            "summary": "Create or update one visit (idempotent)",
            "description": (
                "201 the first time. The same body again changes nothing: 200. A changed body "
                "from the visit's own coach updates it; the latest edit wins by the device's "
                "`updated_at` (an older edit arriving late answers 200 with the saved visit). "
                "Anyone else changes nothing: 404, or 409 if they may see the visit. "
                '`action_step` is `{"step_id"}` to keep the teacher practising their live step '
                '(the same step, its status and acknowledgement unchanged), or `{"text", '
                '"library_step_id"}` to set a new one: the live step is then closed as '
                "replaced, or as embedded when `embedded_step_id` names it."
            ),
            "parameters": [VISIT_ID],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": "VisitIn"}},
            },
            "responses": {
                "201": _json("Visit", "Created."),
                "200": _json("Visit", "Already saved: a replay, an edit applied, or a stale edit."),
                "400": _error("The body is not JSON, or the CSRF token is missing."),
                "401": SIGNED_OUT,
                "404": NOT_FOUND,
                "409": _error("The id belongs to a visit someone else wrote."),
                "413": _error("The body is over 256 KB (refused before it is read)."),
                "415": _error("The body is not application/json."),
                "422": _error(
                    "Invalid fields, each named; a teacher you may not write for "
                    "is named as teacher_id."
                ),
            },
        }
    },
    "api.get_visit": {
        "get": {
            "summary": "One visit with its photos and action step",
            "parameters": [VISIT_ID],
            "responses": {"200": _json("Visit", "The visit."), "401": SIGNED_OUT, "404": NOT_FOUND},
        }
    },
    "api.patch_action_step": {
        "patch": {
            "summary": "Acknowledge, reflect on, or set the status of the visit's action step",
            "description": (
                "Changes the step the visit set or revisited. Its teacher may acknowledge "
                "(once; repeated calls keep the first time), reflect and say new or practising. "
                "Their current coach (or the coach of a visit on the step) sets the status "
                "only, and `embedded` only once a later visit has revisited the step (other "
                "fields: 422). Leads see the step but change nothing: 403. Anyone else: 404. "
                "A closed step stays closed. Idempotent."
            ),
            "parameters": [VISIT_ID],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": "ActionStepChange"}},
            },
            "responses": {
                "200": _json("Visit", "The visit as it now stands."),
                "400": _error("The body is not JSON, or the CSRF token is missing."),
                "401": SIGNED_OUT,
                "403": _error("A lead: steps are changed by the teacher and their coach."),
                "404": NOT_FOUND,
                "413": _error("The body is over 256 KB (refused before it is read)."),
                "415": _error("The body is not application/json."),
                "422": _error("A field is invalid or not yours to change."),
            },
        }
    },
    "api.put_comment": {
        "put": {
            "summary": "Add one comment to the conversation on a step (idempotent)",
            "description": (
                "The teacher and their current coach(es) only; anyone else 404. The comment "
                "id is made on the device: the same comment again answers 200."
            ),
            "parameters": [STEP_ID, _path_id("comment_id")],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": "StepCommentIn"}},
            },
            "responses": {
                "201": _json("StepComment", "Added."),
                "200": _json("StepComment", "Already added."),
                "401": SIGNED_OUT,
                "404": _error("No such step, or not a conversation you are part of."),
                "409": _error("Another comment was saved under this id."),
                "422": _error("The comment is empty or too long."),
            },
        }
    },
    "api.put_practice": {
        "put": {
            "summary": "Log one practice of a step: rehearsed, or tried in class (idempotent)",
            "description": (
                "The teacher and their current coach(es) only; anyone else 404. The entry id "
                "is made on the device: the same entry again answers 200."
            ),
            "parameters": [STEP_ID, _path_id("entry_id")],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": "PracticeEntryIn"}},
            },
            "responses": {
                "201": _json("PracticeEntry", "Logged."),
                "200": _json("PracticeEntry", "Already logged."),
                "400": _error("The body is not JSON, or the CSRF token is missing."),
                "401": SIGNED_OUT,
                "404": _error("No such step, or not a practice log you keep."),
                "409": _error("Another practice entry was saved under this id."),
                "413": _error("The body is over 256 KB (refused before it is read)."),
                "415": _error("The body is not application/json."),
                "422": _error("The kind, the day or the line is invalid (each is named)."),
            },
        }
    },
    "api.put_photo": {
        "put": {
            "summary": "Store one photo of the visit (idempotent)",
            "description": (
                "The body is the image bytes. The photo is checked, turned upright, stripped of "
                "all metadata (GPS included) and stored as a display size (long edge at most "
                "1600 px) and a thumbnail (at most 320 px). Only the visit's coach may send "
                "it. An optional caption travels in the `X-Photo-Caption` header."
            ),
            "parameters": [
                VISIT_ID,
                PHOTO_ID,
                {
                    "name": CAPTION_HEADER,
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "Percent-encoded UTF-8, at most 200 characters once decoded.",
                },
            ],
            "requestBody": {
                "required": True,
                "content": {
                    media_type: {"schema": {"type": "string", "format": "binary"}}
                    for media_type in ACCEPTED_TYPES
                },
            },
            "responses": {
                "201": _json("PhotoUpload", "Stored."),
                "200": _json("PhotoUpload", "The same bytes were already stored under this id."),
                "400": _error("The CSRF token is missing."),
                "401": SIGNED_OUT,
                "404": _error(
                    "No such visit, or not yours to add photos to (send the visit first)."
                ),
                "409": _error(
                    "Different bytes were stored under this id, or the id belongs "
                    "to another visit's photo."
                ),
                "413": _error(
                    "Over the size limit, or too many pixels to decode within the memory "
                    "budget (a decompression bomb, or a PNG/WebP over about 10-20 megapixels)."
                ),
                "415": _error("Not a JPEG, PNG, WebP or HEIC photo."),
                "422": _error(
                    "The photo is damaged or cut short, the caption is invalid, or the "
                    "visit already holds its limit of photos."
                ),
                "503": _error("Busy processing other photos: send it again later."),
            },
        }
    },
    "api.library_steps": {
        "get": {
            "summary": "The action-step library the user may pick from",
            "description": "Not retired; trust-wide steps of the user's trusts and their "
            "schools' own steps.",
            "responses": {
                "200": {
                    "description": "The steps.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "library_steps": {"type": "array", "items": "LibraryStep"}
                                },
                            }
                        }
                    },
                },
                "401": SIGNED_OUT,
            },
        }
    },
    "api.openapi": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3 document."}},
        }
    },
}


def _openapi_path(rule: str) -> str:
    """/api/v1/visits/<uuid:visit_id> -> /api/v1/visits/{visit_id}"""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def build_spec() -> dict:
    spec = APISpec(
        title="Dropin sync API",
        version="1",
        openapi_version="3.0.3",
        info={"description": DESCRIPTION},
        plugins=[MarshmallowPlugin()],
        security=[{"session": []}],
    )
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint in OPERATIONS:
            paths.setdefault(_openapi_path(rule.rule), {}).update(OPERATIONS[rule.endpoint])
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi():
    """Public: it describes the API, it holds no data."""
    return jsonify(build_spec())
