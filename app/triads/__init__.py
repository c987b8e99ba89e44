"""Peer triads' GROW write-ups: a member writes up a triad meeting (Goal, Reality,
Options, Way forward) and the three members read them. Nobody else does: not leads, not
admins (app.authz.cycles)."""

from flask import Blueprint

bp = Blueprint("triads", __name__)

from app.triads import routes  # noqa: E402,F401
