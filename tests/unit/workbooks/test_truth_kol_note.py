"""Item 16 of issue 13 (the 03 example): the saturation note quotes the same average ROI as the tier chart —
revenue from the tier's customers ÷ the tier's fees, recomputed from the committed data. (Its wording follows how
that compares with the marginal ROI: tests/unit/workbooks/test_perfect_diary.py.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.core import fmt
from helpers.notebook.record import read_metrics

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data" / "perfect_diary"


def test_the_saturation_note_quotes_the_charted_average_roi():
    metrics = read_metrics(ROOT / "notebooks" / "03_perfect_diary_kol_private_domain.ipynb")
    tier = metrics["worst_next_yuan"]
    customers, orders = pd.read_csv(DATA / "customers.csv"), pd.read_csv(DATA / "orders.csv")
    posts = pd.read_csv(DATA / "posts.csv")
    buyers = customers.loc[customers["source"] == tier, "customer_id"]
    roi = orders.loc[orders["customer_id"].isin(buyers), "amount"].sum() / posts.loc[posts["tier"] == tier, "fee"].sum()
    note = next(f for f in metrics["review"] if f["id"] == "saturation")
    assert f"average ROI of {fmt.ratio(roi)}" in note["text"]
