"""Telling htmx requests from full page loads."""

from flask import request


def is_htmx() -> bool:
    """True for an htmx request that wants a fragment (not a boosted or history load)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def add_vary_hx_request(response):
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
    return response
