"""The JD workbook's tables as readers see them: every column the notebook shows has a label in both languages,
category values (speed buckets, stock sources, regions, P&L lines, alert reasons) are words from the catalog,
and the PLUS uplift's interval matches a bootstrap over customers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import alerts, forecast, inventory, membership
from helpers.core import language
from helpers.core.messages import catalog, has, message
from helpers.notebook.params import read_spec
from helpers.workbooks import cases
from helpers.workbooks.jd import case as jd_case

STEM = "02_jd_logistics_membership"


@pytest.fixture(scope="module")
def tables():
    values = {p.name: p.default for p in read_spec(STEM).params.values()} | {"scale": 0.05}
    return cases.load_or_generate("jd", values)


@pytest.fixture(params=["en", "zh"])
def edition(request):
    language.use(request.param)
    yield request.param
    language.use("en")


@pytest.fixture(scope="module")
def computed(tables) -> dict:
    """The language-free figures behind the notebook's tables, computed once (at a small scale)."""
    view = jd_case.delivery_view(tables)
    stock = tables["inventory_daily"]
    units = forecast.daily_units(tables["orders"])
    points = forecast.forecast_reorder_points(units, 7, service_level=0.95)
    points["policy_reorder_point"] = points["category"].map(jd_case.policy_reorder_points(tables["skus"], 10.0))
    return {
        "view": view,
        "delivery": jd_case.delivery_result(view),
        "scores": forecast.holdout_scores(units, holdout_days=28),
        "points": points,
        "found": alerts.anomaly_alerts(alerts.daily_orders_gmv(tables["orders"])),
        "statement": jd_case.income_statement(tables, "2023-01-01", jd_case.OTHER_OPEX_RATIO),
        "reorder_alerts": inventory.reorder_alerts(stock, 60),  # a long lead time: alerts exist
        "slow_movers": inventory.slow_movers(stock, tables["skus"]),
    }


def shown_tables(tables, computed) -> dict[str, pd.DataFrame]:
    """Every table the notebook shows, built with the same calls, in the current language."""
    view = computed["view"]
    return {
        "dataset": cases.overview_frame(tables, "jd"),
        "kpi_tree": jd_case.kpi_tree(view, computed["delivery"]),
        "warehouses": jd_case.readable(tables["warehouses"], ["kind", "region"]),
        "sources": jd_case.readable(jd_case.delivery_hours_table(view, "stock_source"), ["stock_source"]),
        "cutoffs": jd_case.readable(jd_case.on_time_by_cutoff(view), ["cutoff"]),
        "forecast": jd_case.readable(
            computed["scores"][["category", "mape", "mape_without_festivals", "festival_days_ahead", "model"]],
            ["category", "model"],
        ),
        "reorder_points": jd_case.readable(computed["points"], ["category"]),
        "reorder_alerts": jd_case.readable(computed["reorder_alerts"], ["order_on_the_way"]),
        "anomalies": jd_case.alerts_table(computed["found"]),
        "speed": jd_case.readable(jd_case.speed_table(view), ["speed"]),
        "slow_movers": jd_case.readable(computed["slow_movers"], ["status"]),
        "statement": jd_case.statement_table(computed["statement"]),
    }


def test_every_column_shown_has_a_label_in_both_languages(tables, computed, edition):
    for name, frame in shown_tables(tables, computed).items():
        for column in frame.columns:
            assert has(f"labels.{column}"), f"{edition}: column {column!r} of the {name} table has no label"


def test_category_values_shown_are_words_from_the_catalog(tables, computed, edition):
    shown = shown_tables(tables, computed)
    codes = {"same day", "next day", "central", "regional", "supplier", "by 11:00", "after 23:00"}
    for name, column in [
        ("speed", "speed"),
        ("sources", "stock_source"),
        ("warehouses", "kind"),
        ("cutoffs", "cutoff"),
    ]:
        values = set(shown[name][column])
        assert not values & codes, f"{name}.{column} shows code values {values & codes}"
        assert values == {message(f"jd.values.{column}.{v}") for v in set(tables_values(tables, column))}
    for column in ("category", "model"):
        assert set(shown["forecast"][column]) <= {message(k) for k in catalog_keys(f"jd.values.{column}.")}
    for column in ("metric", "direction"):
        assert set(shown["anomalies"][column]) <= {message(k) for k in catalog_keys(f"jd.values.{column}.")}
    lines = list(shown["statement"]["line"])
    assert lines[0] == message("jd.values.line.Revenue") and lines[-1] == message("jd.values.line.Net profit")
    assert list(shown["cutoffs"]["cutoff"]) == [
        message(f"jd.values.cutoff.{w}") for w in ("by 11:00", "11:00–23:00", "after 23:00")
    ]


def catalog_keys(prefix: str) -> list[str]:
    return [key for key in catalog(language.current()) if key.startswith(prefix)]


def tables_values(tables, column: str) -> pd.Series:
    view = jd_case.delivery_view(tables)
    source = {
        "speed": view["speed"].astype(str),
        "stock_source": view["stock_source"],
        "kind": tables["warehouses"]["kind"],
        "cutoff": view["cutoff"],
    }
    return source[column]


@pytest.mark.parametrize(
    "reason, en, zh",
    [
        ("run-up to Double 11 双11, 6 days before", "run-up to Double 11, 6 day(s) before", "双11预热期，提前 6 天"),
        ("run-up to 618, 1 day before", "run-up to 618, 1 day(s) before", "618 大促预热期，提前 1 天"),
        (
            "after Double 12 双12, demand pulled forward",
            "after Double 12, demand pulled forward",
            "双12之后，需求被提前透支",
        ),
        ("Spring Festival lull", "Spring Festival lull", "春节淡季"),
        (alerts.UNEXPLAINED, "no known cause — investigate", "原因不明——需排查"),
    ],
)
def test_alert_reasons_read_in_the_reader_language(reason, en, zh):
    assert jd_case.alert_reason(reason) == en
    language.use("zh")
    try:
        assert jd_case.alert_reason(reason) == zh
    finally:
        language.use("en")


def test_region_ticks_are_short_names_and_unknown_regions_keep_theirs(edition):
    names = jd_case.region_names(["North 华北", "Mars 火星"])
    assert names == (["North", "Mars 火星"] if edition == "en" else ["华北", "Mars 火星"])


def test_the_uplift_interval_matches_a_bootstrap_over_customers():
    """Delta-method interval of Σo/Σc against 4,000 bootstrap resamples of customers (independent, seeded)."""
    rng = np.random.default_rng(7)
    n = 400
    base = rng.gamma(2.0, 300.0, n)
    lifted = base * rng.lognormal(np.log(1.2), 0.3, n)
    ids = [f"C{i}" for i in range(n)]
    observed = pd.DataFrame({"customer_id": ids, "amount": lifted, "is_plus_member": True})
    counterfactual = pd.DataFrame({"customer_id": ids, "amount": base, "is_plus_member": True})
    low, high = membership.causal_uplift_interval(observed, counterfactual)
    picks = rng.integers(0, n, size=(4000, n))
    ratios = lifted[picks].sum(axis=1) / base[picks].sum(axis=1)
    uplift = lifted.sum() / base.sum()
    assert low < uplift < high
    assert (high - low) / 2 == pytest.approx(1.959964 * ratios.std(ddof=1), rel=0.08)
    assert membership.causal_uplift_interval(observed, observed) == pytest.approx((1.0, 1.0))
    empty = counterfactual.assign(is_plus_member=False)
    assert all(np.isnan(membership.causal_uplift_interval(observed, empty)))
