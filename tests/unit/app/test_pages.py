"""The reports index: every value from a notebook is shown as text (the batch summary: test_batch_report)."""

from __future__ import annotations

from helpers.app.runner import headline, index_html, speaking

HOSTILE = '<script>alert("x")</script>'


def test_index_links_each_report_with_its_escaped_headline_figures():
    page = index_html(
        {
            "en": {
                "00_case_review_method": {"parameters": {}, "metrics": {"gmv": 1234567.0, "leakiest_step": HOSTILE}},
                "99_" + HOSTILE: {"parameters": {"label": HOSTILE}, "metrics": {}},
            }
        }
    )
    assert "<td>The case review method (复盘) on a 618 promotion<br>" in page
    links = (
        '<a href="00_case_review_method.report.html">report</a> · <a href="00_case_review_method.html">with code</a>'
    )
    assert links in page
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert f"GMV (¥): <b>¥1.23M</b><br>Leakiest funnel step: <b>{escaped}</b>" in page
    assert "<script>" not in page and page.count("<tr>") == 3


def test_index_links_both_editions_and_says_which_parameters_each_report_used():
    page = index_html(
        {
            "en": {"00_case_review_method": {"parameters": {"seed": 3, "scale": 0.05}, "metrics": {}}},
            "zh": {"00_case_review_method": {"title": "复盘方法", "parameters": {}, "metrics": {"gmv": 2534000.0}}},
        }
    )
    english, chinese = page.split('<h2 lang="zh">')
    assert 'href="00_case_review_method.html"' in english and "scale = 0.05, seed = 3" in english
    assert 'href="zh/00_case_review_method.html"' in chinese and "scale = 0.05" not in chinese
    assert "<th>参数</th>" in chinese and "全部默认值" in chinese  # each section in its own language
    assert "<td>复盘方法<br>" in chinese  # the notebook's own title
    assert (
        '<a href="zh/00_case_review_method.report.html">报告</a> · <a href="zh/00_case_review_method.html">' in chinese
    )
    assert "GMV 成交额（¥）: <b>¥253.4万</b>" in chinese and "GMV (¥)" not in chinese


def test_headline_figures_are_named_as_their_workbook_names_them():
    # 04 keeps its own labels: its revenue is a shop's sales (销售额), not a platform's income (营业收入, 01)
    metrics = {"revenue": 1500.0, "customers": 12}
    with speaking("zh"):
        assert headline("04_your_shop_review", metrics)[:2] == [("顾客数", "12"), ("销售额（¥）", "¥1,500.00")]
        assert headline("03_perfect_diary_kol_private_domain", metrics)[0] == ("营业收入（¥）", "¥1,500.00")
    assert headline("04_your_shop_review", metrics)[1] == ("Revenue (¥)", "¥1.50k")
    assert headline("99_unknown", metrics) == []
