"""Table bodies rendered in Python (dashboards.tables.body_html)."""

from django.utils.safestring import mark_safe

from dashboards.tables import body_html


def test_cells_are_escaped_and_the_first_is_a_row_heading():
    html = body_html([{"cells": ["<b>王</b>", "1 & 2"], "url": None}])
    assert html == (
        '<tr><th scope="row">&lt;b&gt;王&lt;/b&gt;</th><td>1 &amp; 2</td></tr>'
    )


def test_a_row_url_links_the_first_cell_with_its_query_escaped():
    html = body_html([{"cells": ["李", "3"], "url": "/w/1/?a=1&b=2"}])
    assert '<th scope="row"><a href="/w/1/?a=1&amp;b=2">李</a></th>' in html


def test_safe_cells_are_kept_as_they_are():
    html = body_html([{"cells": ["x", mark_safe("<em>–</em>")], "url": None}])
    assert "<td><em>–</em></td>" in html
