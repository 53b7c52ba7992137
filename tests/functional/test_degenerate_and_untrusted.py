"""Degenerate inputs finish and hostile text stays text: every lever at once at its limit, a one-customer shop,
and names from a user's file that try to be HTML."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from support.inprocess import run_in_process
from support.sweep import NOT_A_NUMBER, SPECS, edge_values

from helpers.app.runner import execute, plan
from helpers.core.errors import ParameterError


def all_at(stem: str, end: int) -> dict:
    """Every lever at its lower (end=0) or upper (end=-1) edge, small scale, relaxing only what a rule forbids."""
    spec = SPECS[stem]
    values = {p.name: edge_values(p)[end] for p in spec if p.name not in ("seed", "scale") and edge_values(p)}
    values["scale"] = spec.params["scale"].low
    for _ in range(len(values)):
        try:
            plan([stem], values)
            return values
        except ParameterError as refused:
            named = [n for n in values if n != "scale" and re.search(rf"\b{n}\b", str(refused))]
            assert named, f"a refusal must name the parameter: {refused}"
            values.pop(named[0])
    raise AssertionError(f"{stem}: no combination of edges was accepted")


@pytest.mark.parametrize("end", [0, -1], ids=["all-low", "all-high"])
@pytest.mark.parametrize("stem", sorted(SPECS))
def test_every_lever_at_its_limit_at_once_still_runs(stem, end):
    values = all_at(stem, end)
    run = run_in_process(stem, values)
    shown = re.sub(r"<[^>]+>", " ", "\n".join(run.shown))
    assert not NOT_A_NUMBER.search(shown), NOT_A_NUMBER.search(shown)
    assert run.metrics["review"] and run.raw == []


def write_export(path, rows):
    pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount", "city"]).to_csv(
        path, index=False, encoding="utf-8"
    )
    return str(path)


def test_a_shop_with_one_customer_finishes_with_n_a_where_models_cannot_fit(tmp_path):
    path = write_export(
        tmp_path / "one.csv",
        [("A1", "only", "2024-01-05", 99.0, "杭州"), ("A2", "only", "2024-03-07 10:00", 45.5, "杭州")],
    )
    run = run_in_process("04_your_shop_review", {"transactions_csv": path, "col_city": "city"})
    assert run.metrics["customers"] == 1 and run.metrics["orders"] == 2
    shown = re.sub(r"<[^>]+>", " ", "\n".join(run.shown))
    assert not NOT_A_NUMBER.search(shown), NOT_A_NUMBER.search(shown)
    assert any(f["verdict"] == "cannot conclude" for f in run.metrics["review"])


@pytest.mark.notebook
def test_names_from_a_users_file_are_escaped_in_the_html_report(tmp_path):
    hostile, city = "<script>alert(1)</script>", "<img src=x onerror=alert(2)>"
    rows = [
        (f"O{i}", hostile if i % 2 == 0 else f"c{i % 7}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", 10.0 + i, city)
        for i in range(120)
    ]
    path = write_export(tmp_path / "hostile.csv", rows)
    values = plan(["04_your_shop_review"], {"transactions_csv": path, "col_city": "city"})
    result = execute(*next(iter(values.items())), tmp_path / "out")
    assert result.ok, result.error
    for report_file in ("04_your_shop_review.html", "04_your_shop_review.report.html"):
        page = (tmp_path / "out" / report_file).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in page and "<img src=x onerror" not in page, report_file
    page = (tmp_path / "out" / "04_your_shop_review.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    written = {p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")}
    report = {"04_your_shop_review.ipynb", "04_your_shop_review.html", "04_your_shop_review.report.html"}
    report |= {"metrics.json", "index.html"}
    assert report <= written and all(name.endswith((".csv", ".xlsx")) for name in written - report)
