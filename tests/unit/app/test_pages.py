"""The reports index: every value from a notebook is shown as text (the batch summary: test_batch_report)."""

from __future__ import annotations

from helpers.app.runner import index_html

HOSTILE = '<script>alert("x")</script>'


def test_index_links_each_report_with_its_escaped_headline_figures():
    page = index_html(
        {
            "00_case_review_method": {"metrics": {"gmv": 1234567.0, "leakiest_step": HOSTILE}},
            "99_" + HOSTILE: {"metrics": {}},
        }
    )
    assert "<td>The case review method (复盘) on a 618 promotion</td>" in page
    links = (
        '<a href="00_case_review_method.report.html">report</a> · <a href="00_case_review_method.html">with code</a>'
    )
    assert links in page
    assert "gmv: <b>¥1.23M</b><br>leakiest_step: <b>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</b>" in page
    assert "<script>" not in page and page.count("<tr>") == 3
