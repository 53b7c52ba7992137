"""The reports index and the batch summary: every value from a notebook or a scenario is shown as text."""

from __future__ import annotations

import pandas as pd

from helpers.app.batch import _summary_html
from helpers.app.runner import index_html

HOSTILE = '<script>alert("x")</script>'


def test_index_links_each_report_with_its_escaped_headline_figures():
    page = index_html(
        {
            "00_case_review_method": {"metrics": {"gmv": 1234567.0, "leakiest_step": HOSTILE}},
            "99_" + HOSTILE: {"metrics": {}},
        }
    )
    assert '<a href="00_case_review_method.html">The case review method (复盘) on a 618 promotion</a>' in page
    assert "gmv: <b>¥1.23M</b><br>leakiest_step: <b>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</b>" in page
    assert "<script>" not in page and page.count("<tr>") == 3


def test_batch_summary_escapes_the_title_and_trainee_names():
    summary = pd.DataFrame({"run": [HOSTILE, "li-lei"], "status": ["ok", "failed"], "gmv": ["¥1.00", None]})
    page = _summary_html({"title": "Cohort <b>618</b>"}, summary)
    assert "<title>Cohort &lt;b&gt;618&lt;/b&gt;</title>" in page
    assert "<tr><th>run</th><th>status</th><th>gmv</th></tr>" in page
    assert "<td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td>" in page
    assert "<tr><td>li-lei</td><td>failed</td><td></td></tr>" in page and "<script>" not in page
