"""The teacher's termly self-audit: their own, shared with their coach only if they say so."""

from flask import Blueprint

bp = Blueprint("selfaudit", __name__)

from app.selfaudit import routes  # noqa: E402,F401
