"""Fixtures for the teacher's pages: the tablet held in landscape too."""

import pytest

from tests.browser.conftest import TABLET, _page

TABLET_LANDSCAPE = {**TABLET, "viewport": {"width": 1180, "height": 820}}


@pytest.fixture
def tablet_landscape(browser, base_url):
    context, page = _page(browser, base_url, TABLET_LANDSCAPE)
    yield page
    context.close()
