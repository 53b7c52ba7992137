"""Workbook 00's charts stay legible (issue 17): drawn in both languages at the defaults and two other parameter
sets, no two texts a reader sees (tick labels, value labels, legend) overlap and no legend covers data."""

from __future__ import annotations

import matplotlib
import pytest

from generators import your_shop
from generators.common import config_from
from helpers.core import language
from helpers.notebook import layout, plots
from helpers.notebook.params import read_spec
from helpers.workbooks.method import case, charts

matplotlib.use("Agg")
STEM = "00_case_review_method"


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "changes",
    [{}, {"promo_discount": 0.4, "promo_elasticity": 6.0}, {"promo_days": 3, "marketing_cost": 0.0, "seed": 7}],
)
def test_no_two_texts_collide_and_no_legend_covers_data(lang, changes):
    language.use(lang)
    plots.setup()
    values = {**read_spec(STEM).defaults(), "scale": 0.05, **changes}
    tables = your_shop.generate(config_from(your_shop.Config, values))
    alternative = case.counterfactual(values)
    first, last, _ = case.promo_dates(values)
    effect = case.promotion(tables, alternative, values)
    axes = {
        "monthly": charts.monthly_gmv(case.monthly(tables["orders"])),
        "around": charts.orders_around(case.orders_around(tables, alternative, values), first, last),
        "funnel": charts.funnel(case.funnel(tables["funnel_daily"])),
        "tiers": charts.tiers(case.tiers(tables["orders"], values)),
        "bridge": charts.profit_bridge(effect["true"], values),
        "break_even": charts.break_even(values["gross_margin"]),
    }
    for name, ax in axes.items():
        assert layout.collisions(ax.figure) == [], f"{lang} {changes} {name}"
