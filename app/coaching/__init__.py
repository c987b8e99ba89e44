"""The coach's record of each teacher they coach, and the conversation on a step."""

from flask import Blueprint

bp = Blueprint("coaching", __name__)

from app.coaching import routes  # noqa: E402,F401
