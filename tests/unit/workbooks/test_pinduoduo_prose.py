"""The Pinduoduo workbook's prose and charts: sentences follow their figures and never print a missing one;
charts carry catalog text, no two text elements collide and no legend covers data (issue 17)."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from generators.common import config_from
from generators.pinduoduo import Config, generate
from helpers.analysis import unit_economics
from helpers.analysis.promotion import break_even_curve
from helpers.core import language
from helpers.core.messages import message
from helpers.notebook import layout, plots
from helpers.workbooks.pinduoduo import case, charts, prose
from helpers.workbooks.pinduoduo.case import Spread

matplotlib.use("Agg")
NAN = float("nan")
MISSING = {"en": re.compile(r"\bn/a\b|\b(nan|NaN|None)\b"), "zh": re.compile(r"(?<!—)—(?!—)|\b(nan|NaN|None)\b")}
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(params=language.LANGUAGES)
def lang(request):
    language.use(request.param)
    plots.setup()
    yield request.param
    language.use("en")
    plt.close("all")


def effect(**changes: float) -> dict[str, float]:
    base = {
        "subsidy_cost": 33_383.41,
        "naive_incremental_gmv": 478_320.0,
        "naive_gmv_per_yuan": 14.33,
        "incremental_gmv": 75_776.3,
        "gmv_per_yuan": 2.27,
        "roi": -0.94,
    }
    return {**base, **changes}


K = {
    "invites_per_user": 5.9,
    "conversion": 0.106,
    "cohort_buyers": 1940.0,
    "k_factor": 0.5,
    "k_team": 0.37,
    "k_bargain": 0.13,
    "k_any_time": 0.84,
}
CYCLE = {"generation_days": 155.2, "share_to_order_days": 0.7}
BARGAIN = {"campaigns": 802.0, "helper_clicks": 6116.0, "items_given": 720.0, "giveaway_cost": 13_660.0}


def sentences() -> dict[str, list[str]]:
    """Every computed sentence for ordinary figures and for each way a figure can be missing."""
    spread = Spread(4, -0.947, -0.878, 1.99, 4.58)
    return {
        "teams": [
            prose.teams(0.93, 0.88, 24, {"shared": 0.93, "unshared": 0.78}),
            prose.teams(0.93, 0.88, 24, {"shared": 1.0, "unshared": NAN}),
            prose.teams(0.0, NAN, 24, {"shared": NAN, "unshared": NAN}),
        ],
        "loop": [
            prose.loop(K, CYCLE, 180),
            prose.loop({**K, "k_factor": 1.2}, CYCLE, 180),
            prose.loop(K, {"generation_days": NAN, "share_to_order_days": NAN}, 180),
            prose.loop({**K, "k_factor": NAN}, CYCLE, 180),
        ],
        "bargain": [
            prose.bargain({**BARGAIN, "new_buyers": 504.0, "cost_per_new_buyer": 27.1}),
            prose.bargain({**BARGAIN, "new_buyers": 0.0, "cost_per_new_buyer": NAN}),
            prose.bargain({"campaigns": 0.0, "new_buyers": 0.0, "cost_per_new_buyer": NAN}),
        ],
        "repeat": [prose.repeat(0.79), prose.repeat(NAN)],
        "cac": [prose.cac(80.75, 10.13, 12.95), prose.cac(NAN, 10.13, 9.0), prose.cac(80.0, NAN, 20.0)],
        "cac_none": [prose.cac(NAN, NAN, 3.0)],
        "ltv": [prose.ltv(0.88), prose.ltv(NAN)],
        "subsidy": [
            *prose.subsidy(effect(), 94.0, spread, own_data=False),
            *prose.subsidy(effect(naive_gmv_per_yuan=NAN, naive_incremental_gmv=NAN), 94.0, None, own_data=False),
            *prose.subsidy(effect(subsidy_cost=0.0, roi=NAN, gmv_per_yuan=NAN), NAN, None, own_data=False),
            *prose.subsidy(effect(roi=NAN, gmv_per_yuan=NAN, incremental_gmv=NAN), NAN, None, own_data=True),
            *prose.subsidy(effect(roi=NAN, gmv_per_yuan=NAN, naive_gmv_per_yuan=NAN), NAN, None, own_data=True),
        ],
        "pnl": [prose.pnl(1.25, -0.546), prose.pnl(NAN, NAN)],
        "calculator": [prose.calculator(0.3, 0.1, 0.5), prose.calculator(0.3, 0.3, NAN)],
    }


def test_no_sentence_prints_a_missing_figure(lang):
    for step, texts in sentences().items():
        for text in texts:
            assert not MISSING[lang].search(text), f"{step}: {text}"
            assert lang == "en" or HAN.search(text), f"{step}: {text}"


def test_sentences_follow_their_figures():
    assert "**87.9%**" in prose.teams(0.93, 0.879, 24, {"shared": 0.93, "unshared": 0.78})
    assert prose.teams(0.0, NAN, 24, {"shared": NAN, "unshared": NAN}) == message("pinduoduo.teams.none")
    assert prose.loop(K, CYCLE, 180).endswith(message("pinduoduo.loop.below_one"))
    assert prose.loop({**K, "k_factor": 1.2}, CYCLE, 180).endswith(message("pinduoduo.loop.above_one"))
    assert "**¥27.10 per new buyer**" in prose.bargain({**BARGAIN, "new_buyers": 504.0, "cost_per_new_buyer": 27.1})
    paragraphs = prose.subsidy(effect(), 94.0, Spread(4, -0.947, -0.878, 1.99, 4.58), own_data=False)
    assert len(paragraphs) == 3 and "**−94.7%**" in paragraphs[2] and "**−87.8%**" in paragraphs[2]
    assert "common random numbers" in paragraphs[1]  # the comparison is said for what it is
    from_start = prose.subsidy(effect(naive_gmv_per_yuan=NAN, naive_incremental_gmv=NAN), 94.0, None, own_data=False)
    assert from_start[1] == message("pinduoduo.subsidy.what")  # coupled from month 1 too: the same comparison
    assert "**150.0%**" in prose.calculator(0.25, 0.15, 1.5)


RUNS = {  # ordinary levers, and a small platform without bargains or ads whose subsidy starts in month 1
    "ordinary": {"seed": 5, "scale": 0.1, "subsidy_start_month": 13},
    "small": {
        "seed": 42,
        "scale": 0.3,
        "group_discount": 0.05,
        "bargain_enabled": False,
        "paid_budget_per_month": 0.0,
        "subsidy_start_month": 1,
    },
}


@pytest.fixture(scope="module", params=RUNS)
def tables(request):
    return request.param, generate(config_from(Config, RUNS[request.param]))


def drawn(run) -> dict[str, matplotlib.figure.Figure]:
    """Every chart the workbook draws through its `charts` module, on fresh figures."""
    name, tables = run
    finance = tables["monthly_finance"]
    start = RUNS[name]["subsidy_start_month"]
    alternative = case.counterfactual(RUNS[name])
    figures = {}
    for name, draw in {
        "tier_mix": lambda: charts.lines(case.tier_mix(tables), "tier_mix", y="pct", quarters=True),
        "buyers": lambda: charts.lines(case.buyers_lines(finance), "buyers", y="num"),
        "sources": lambda: charts.lines(case.new_buyers_by_source(tables["users"]), "sources", y="num"),
        "ratios": lambda: charts.lines(case.quarterly_ratios(finance), "ratios", y="pct", quarters=True),
        "subsidy": lambda: charts.subsidy(case.gmv_paths(tables, alternative), case.subsidy_start(finance, start)),
        "pnl": lambda: charts.pnl(case.pnl_steps(unit_economics.pnl_totals(finance))),
        "calculator": lambda: charts.calculator(break_even_curve(0.3), 0.3, 0.1, 0.5),
        "team_funnel": lambda: plots.funnel(case.team_funnel(tables["teams"]), title="t"),
    }.items():
        figures[name] = draw().figure
    return figures


def test_charts_have_no_colliding_text_and_no_legend_over_data(tables, lang):
    for name, figure in drawn(tables).items():
        assert layout.collisions(figure) == [], name


def test_the_subsidy_start_line_is_in_the_legend(tables, lang):
    figure = drawn(tables)["subsidy"]
    entries = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert entries[-1] == message("pinduoduo.chart.subsidy.start")
    assert pd.Series(entries).str.len().gt(0).all()


def test_the_parameters_table_says_what_a_parameter_without_a_range_accepts_in_the_edition(lang, monkeypatch):
    from helpers.notebook import story
    from helpers.notebook.params import read_spec

    shown = []
    monkeypatch.setattr(story, "display", shown.append)
    story.parameters_table("01_pinduoduo_group_buying", read_spec("01_pinduoduo_group_buying").defaults())
    page = shown[0].data
    words = {"en": ("True or False", "text"), "zh": ("True 或 False", "任意文字")}[lang]
    assert all(f">{word}<" in page for word in words)
    assert lang == "en" or "True or False" not in page


def test_yuan_ticks_stay_distinct_in_chinese(lang):
    ticks = [plots.yuan_axis(v, None) for v in (0, 5_000, 12_500, 15_000, 25_000, 1_250_000)]
    assert len(set(ticks)) == len(ticks)
    expected = {
        "en": ["¥0", "¥5.0k", "¥12.5k", "¥15.0k", "¥25.0k", "¥1.2M"],
        "zh": ["¥0", "¥5,000", "¥1.2万", "¥1.5万", "¥2.5万", "¥125.0万"],
    }
    assert ticks == expected[lang]
