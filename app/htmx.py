"""Telling htmx requests from full page loads, and answering each with what it wants."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template, request


def is_htmx() -> bool:
    """True for an htmx request that wants a fragment (not a boosted or history load)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def page_or_fragment(
    fragment: str, page: str | Callable[..., str], status: int = 200, **context
) -> tuple[str, int]:
    """The one way a route answers "page or fragment": htmx gets the fragment it swaps in,
    anything else the whole page. `page` is the page's template, or a function that
    renders the page from the same context when the page shows more than the fragment."""
    if is_htmx():
        return render_template(fragment, **context), status
    if callable(page):
        return page(**context), status
    return render_template(page, **context), status


def add_vary_hx_request(response):
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
    return response
