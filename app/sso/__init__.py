from flask import Blueprint

bp = Blueprint("sso", __name__)

from app.sso import routes  # noqa: E402,F401
