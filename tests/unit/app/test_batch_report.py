"""The class page (summary.html): links to each report, headline charts, a verdict matrix, escaped text."""

import base64
import io
import re

import pandas as pd
from matplotlib import image

from helpers.app import console
from helpers.app.batch import console_lines
from helpers.app.batch_report import ClassRun, render
from helpers.core import language

STEM = "00_case_review_method"


def finding(fid, verdict):
    return {"id": fid, "verdict": verdict, "text": f"{fid} text", "evidence": "numbers"}


def page(grid=True, title="Cohort"):
    runs = [
        ClassRun("Li_Lei__d=0.1", "Li Lei", {"d": 0.1} if grid else {}),
        ClassRun("Li_Lei__d=0.3", "Li Lei", {"d": 0.3} if grid else {}),
        ClassRun("韩梅梅__d=0.1", "韩梅梅", {"d": 0.1} if grid else {}),
    ]
    summary = pd.DataFrame(
        [
            {
                "run": runs[0].run_id,
                "workbook": STEM,
                "trainee": "Li Lei",
                "seed": 1,
                "d": 0.1,
                "status": "ok",
                "seconds": 1.0,
                "reason": "",
                "gmv": 1000.0,
                "leakiest_step": "a → b",
                "promo_net_profit": -5.0,
                "break_even_uplift": 0.25,
            },
            {
                "run": runs[1].run_id,
                "workbook": STEM,
                "trainee": "Li Lei",
                "seed": 1,
                "d": 0.3,
                "status": "ok",
                "seconds": 1.0,
                "reason": "",
                "gmv": 1500.0,
                "leakiest_step": "a → b",
                "promo_net_profit": 7.0,
                "break_even_uplift": 0.75,
            },
            {
                "run": runs[2].run_id,
                "workbook": STEM,
                "trainee": "韩梅梅",
                "seed": 2,
                "d": 0.1,
                "status": "failed",
                "seconds": 1.0,
                "reason": "cell 3 raised DataError: <bad>",
                "gmv": float("nan"),
                "leakiest_step": None,
                "promo_net_profit": float("nan"),
                "break_even_uplift": float("nan"),
            },
        ]
    )
    reviews = {
        (runs[0].run_id, STEM): [
            finding("promotion_profit", "did not work"),
            finding("retention", "worked"),
            {"id": "why", "verdict": "why", "text": "t", "evidence": ""},
        ],
        (runs[1].run_id, STEM): [finding("promotion_profit", "worked"), finding("retention", "worked")],
    }
    return render(title, summary, runs, reviews)


def test_each_finished_run_links_its_report_and_a_failed_run_shows_its_reason_not_nan():
    html = page()
    assert html.count(f'href="Li_Lei__d%3D0.1/{STEM}.html"') == 1 and f'Li_Lei__d%3D0.3/{STEM}.html"' in html
    assert "%E9%9F%A9" not in html  # the failed run has no report to link
    table = html[html.index("<h2>Runs</h2>") : html.index("</table>")]
    assert "failed: cell 3 raised DataError: &lt;bad&gt;" in table and "nan" not in table.lower()
    assert "¥1.50k" in html and "75.0%" in html  # headline figures in the reports' formats


def test_the_verdict_matrix_marks_the_finding_that_flips_and_leaves_unjudged_sections_out():
    html = page()
    flags = {fid: css for css, fid in re.findall(r'<tr><td class="(flips|)">(\w+)</td>', html)}
    assert flags == {"promotion_profit": "flips", "retention": ""}
    assert ">why<" not in html
    matrix = html[html.index("Review card verdicts") :]
    assert matrix.count('class="verdict"') == 4  # 2 findings × 2 finished runs; the failed run has no card
    assert 'title="promotion_profit text (numbers)"' in matrix


def test_one_chart_with_a_panel_per_headline_metric_against_the_grid():
    html = page()
    encoded = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html).group(1)
    picture = image.imread(io.BytesIO(base64.b64decode(encoded)), format="png")
    assert picture.shape[1] > 3 * picture.shape[0] / 2  # three panels side by side (gmv, profit, uplift)
    assert 'alt="headline metrics of The case review method' in html and "against d" in html


def test_without_a_grid_the_page_says_why_there_is_no_chart():
    html = page(grid=False)
    assert "data:image/png" not in html and "the scenario has no grid" in html


def test_text_from_the_scenario_is_escaped():
    html = page(title="<script>alert(1)</script>")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_names_the_chart_font_cannot_draw_get_a_numbered_line_and_a_key_in_the_page():
    runs = [ClassRun("a", "小明🙂", {"d": 0.1}), ClassRun("b", "小明🙂", {"d": 0.3})]
    summary = pd.DataFrame(
        [
            {
                "run": r.run_id,
                "workbook": STEM,
                "trainee": "小明🙂",
                "seed": 2,
                "d": r.setting["d"],
                "status": "ok",
                "seconds": 1.0,
                "reason": "",
                "gmv": 1.0,
                "promo_net_profit": 1.0,
                "break_even_uplift": 0.1,
                "leakiest_step": "x",
            }
            for r in runs
        ]
    )
    assert "line 1 = 小明🙂" in render("t", summary, runs, {})


def test_metrics_are_shown_by_their_labels_and_a_chinese_run_links_its_zh_report():
    html = page()
    header = html[html.index("<h2>Runs</h2>") : html.index("</tr>", html.index("<h2>Runs</h2>"))]
    assert "<th>GMV (¥)</th>" in header and "<th>Break-even volume uplift (%)</th>" in header
    assert "<th>gmv</th>" not in header and "promo_net_profit" not in html
    runs = [ClassRun("a", "Li Lei", {"d": 0.1})]
    row = {"run": "a", "workbook": f"zh/{STEM}", "trainee": "Li Lei", "seed": 1, "d": 0.1, "status": "ok"}
    summary = pd.DataFrame([{**row, "seconds": 1.0, "reason": "", "gmv": 2534000.0}])
    chinese = render("t", summary, runs, {})
    assert f'href="a/zh/{STEM}.html"' in chinese and "The case review method" in chinese  # its own section


def test_the_console_summary_wraps_and_uses_labels_in_the_current_language(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    summary = pd.DataFrame(
        [
            {"run": "r1", "workbook": STEM, "status": "ok", "gmv": 2534000.0, "break_even_uplift": 0.25},
            {"run": "r2", "workbook": STEM, "status": "failed", "reason": "cell 3 raised DataError: " + "x " * 80},
        ]
    )
    language.use("zh")
    try:
        lines = console_lines(summary)
    finally:
        language.use("en")
    assert lines[0].split() == ["运行编号", "工作簿", "状态", "核心指标"]
    assert "GMV 成交额（¥）: ¥253.4万" in lines[1] and "保本所需销量提升（%）: 25.0%" in "".join(lines)
    assert all(console.width(line) <= 100 for line in lines) and len(lines) > 3  # the reason wrapped


def test_a_chinese_batch_page_speaks_chinese_and_draws_chinese_names():
    language.use("zh")
    try:
        html = page()
    finally:
        language.use("en")
    assert '<html lang="zh">' in html and "<h2>运行列表</h2>" in html and "复盘卡结论" in html
    assert "<th>学员</th>" in html and "失败：cell 3 raised DataError" in html
    for english in ("Runs", "Review card verdicts", "Trainee", "run(s)", "not on this run", "No chart"):
        assert english not in html
    assert "第 1 条线" not in html  # 韩梅梅 is drawn by the house fonts, so no numbered key is needed
