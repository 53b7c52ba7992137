"""`scale` changes how much JD data there is, not its economics (issue #13 item 10).

Each ratio is computed here in plain pandas from the tables, by its textbook definition, at two scales and
over several seeds. The tolerance is the sampling noise itself: the seed-to-seed spread at each scale gives
the standard error of each scale's mean, and the two means must agree within three standard errors of their
difference (Welch). Three standard errors leave a ≈0.3% chance per ratio of failing by noise alone, so a
failure means the scale moved the economics. Before the catalogue grew with `scale`, reorder points rounded
up to whole units at small scales: at scale 0.2 stock-outs were 2.6 times and turnover days 1.3 times their
scale-1 values (seed 42).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from generators import jd

SCALES = (0.2, 1.0)
SEEDS = (1, 2, 3, 4, 5, 6)
Z = 3.0


def _ratios(tables: dict[str, pd.DataFrame], counterfactual: dict[str, pd.DataFrame]) -> dict[str, float]:
    """The JD review's ratios, from their definitions."""
    stock, orders, returns = tables["inventory_daily"], tables["orders"], tables["returns"]
    unit_cost = stock["sku_id"].map(tables["skus"].set_index("sku_id")["unit_cost"])
    stock_value = (stock["stock_close"] * unit_cost).groupby(stock["date"]).sum()
    cogs_shipped = (stock["shipped_units"] * unit_cost).groupby(stock["date"]).sum()
    revenue = orders["amount"].sum() - returns["refund_amount"].sum()
    members, base = orders[orders["is_plus_member"]], counterfactual["orders"]
    return {
        "inventory turnover days": stock_value.mean() / cogs_shipped.mean(),
        "stock-out rate": (stock["stock_close"] == 0).mean(),
        "211 on-time share": tables["deliveries"]["on_time_211"].mean(),
        "return rate": len(returns) / len(orders),
        "gross margin": (revenue - orders["cogs"].sum() + returns["recovered_cost"].sum()) / revenue,
        "PLUS members' share of orders": len(members) / len(orders),
        "PLUS causal uplift": members["amount"].sum() / base.loc[base["is_plus_member"], "amount"].sum(),
    }


@pytest.fixture(scope="module")
def ratios() -> pd.DataFrame:
    rows = []
    for scale in SCALES:
        for seed in SEEDS:
            config = jd.Config(scale=scale, seed=seed)
            without_uplift = jd.generate(replace(config, plus_true_uplift=0.0))
            rows.append({"scale": scale, **_ratios(jd.generate(config), without_uplift)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    "ratio",
    [
        "inventory turnover days",
        "stock-out rate",
        "211 on-time share",
        "return rate",
        "gross margin",
        "PLUS members' share of orders",
        "PLUS causal uplift",
    ],
)
def test_ratio_agrees_across_scales_within_sampling_noise(ratios, ratio):
    by_scale = ratios.groupby("scale")[ratio]
    mean, spread = by_scale.mean(), by_scale.std(ddof=1)
    standard_error = float(np.sqrt((spread**2 / len(SEEDS)).sum()))
    small, large = mean[SCALES[0]], mean[SCALES[1]]
    assert abs(small - large) <= Z * standard_error, f"{ratio}: {small:.4f} at {SCALES[0]} vs {large:.4f} at 1"


def test_catalogue_grows_with_scale_so_each_sku_sells_the_same():
    """Units sold per SKU a day are the same at scale 0.2 and 2 (ten times the orders)."""
    sold = {}
    for scale in (0.2, 2.0):
        tables = jd.generate(jd.Config(scale=scale, days=120))
        sold[scale] = tables["orders"]["quantity"].sum() / len(tables["skus"]) / 120
    assert sold[0.2] == pytest.approx(sold[2.0], rel=0.1)
