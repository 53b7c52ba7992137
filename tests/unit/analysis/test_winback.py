"""The win-back list: who is on it, in which order, and where the CSV goes."""

from __future__ import annotations

import pandas as pd
from support import ROOT

from helpers.analysis.customers import HIGH_VALUE, SLEEPING
from helpers.analysis.winback import winback_list
from helpers.io.exports import FILE_NAME, export_winback, output_folder


def inputs():
    index = pd.Index(["a", "b", "c", "d", "e"], name="customer_id")
    summary = pd.DataFrame(
        {
            "last_order": pd.to_datetime(["2023-01-01"] * 5),
            "recency_days": [120, 100, 110, 5, 130],
            "orders": [3, 2, 5, 4, 1],
            "revenue": [900.0, 800.0, 1200.0, 2000.0, 50.0],
        },
        index=index,
    )
    tiers = pd.Series([SLEEPING, SLEEPING, SLEEPING, HIGH_VALUE, SLEEPING], index=index)
    m_high = pd.Series([True, True, True, True, False], index=index)
    values = pd.DataFrame(
        {
            "p_alive": [0.5, 0.7, 0.7, 0.9, 0.2],
            "expected_purchases": [1.0, 2.0, 2.0, 3.0, 0.1],
            "expected_value": [100.0, 300.0, 300.0, 900.0, 5.0],
        },
        index=index,
    )
    return summary, tiers, m_high, values


def test_only_sleeping_high_value_customers_ranked_by_expected_value():
    frame = winback_list(*inputs())
    assert frame["customer_id"].tolist() == ["b", "c", "a"]  # ties broken by id; d is active, e is low value
    assert frame["rank"].tolist() == [1, 2, 3]
    assert frame["last_order"].iloc[0] == "2023-01-01"


def test_export_goes_to_the_folder_the_run_passes(tmp_path):
    folder = output_folder(str(tmp_path / "run"), "04_your_shop_review")
    path = export_winback(winback_list(*inputs()), folder)
    assert path == tmp_path / "run" / FILE_NAME
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel
    assert pd.read_csv(path, encoding="utf-8-sig")["customer_id"].tolist() == ["b", "c", "a"]


def test_without_a_run_the_list_goes_to_the_ignored_lab_folder_at_the_repository_root():
    repository = ROOT
    folder = output_folder("", "04_your_shop_review")
    assert folder == repository / "output" / "lab" / "04_your_shop_review"
    assert "output/" in (repository / ".gitignore").read_text(encoding="utf-8").splitlines()
