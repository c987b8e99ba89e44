"""The leads' dashboard: coverage of their teachers and the trends of the term."""

from flask import Blueprint

bp = Blueprint("leads", __name__)

from app.leads import routes  # noqa: E402,F401
