from flask import Blueprint

from app.teacher import formatting

bp = Blueprint("teacher", __name__)
formatting.register(bp)

from app.teacher import routes  # noqa: E402,F401
