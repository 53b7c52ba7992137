"""The your-shop workbook (04) end to end: the demo, hostile buyer names, a malformed file and check-data.

The GBK Taobao-style export is run in both editions (test_workbook_your_shop_editions); the hostile-names run, which
checks the files written, runs the cells in this process (support.inprocess.recorded) into its own output folder.
"""

from __future__ import annotations

import csv
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook
from support.exports import taobao_demo_export
from support.inprocess import recorded

from helpers.app.runner import RunFailed
from helpers.workbooks.your_shop import demo_export

pytestmark = pytest.mark.notebook
STEM = "04_your_shop_review"
SMALL = {"seed": 11, "scale": 0.1}
CONTRACT = (
    "customers",
    "orders",
    "revenue",
    "repeat_customer_share",
    "segment_counts",
    "sleeping_share",
    "churned_share",
    "bgnbd_r",
    "bgnbd_alpha",
    "bgnbd_a",
    "bgnbd_b",
    "ltv_time_unit",
    "ltv_12m_mean",
    "holdout_predicted",
    "holdout_actual",
    "review",
)
TAOBAO = {
    "col_order_id": "订单编号",
    "col_customer_id": "买家会员名",
    "col_order_date": "订单付款时间",
    "col_amount": "买家实际支付金额",
}


def verdicts(metrics):
    return {f["id"]: f["verdict"] for f in metrics["review"]}


def test_demo_runs_by_default_and_records_the_contract(run_workbook, tmp_path):
    m = run_workbook(STEM, **SMALL)
    for name in CONTRACT:
        assert name in m, name
    assert m["ltv_time_unit"] == "days"
    assert sum(m["segment_counts"].values()) == m["customers"] == sum(m["tier_counts"].values())
    assert 0 < m["repeat_customer_share"] < 1 and m["ltv_12m_mean"] > 0
    assert m["holdout_predicted"] == pytest.approx(m["holdout_actual"], rel=0.2)
    assert verdicts(m)["sleeping"] == "worked"
    assert {f["verdict"] for f in m["review"]} >= {"why", "breakthrough", "logic", "risk", "next"}
    written = pd.read_csv(tmp_path / "run0" / "winback_list.csv", encoding="utf-8-sig")
    assert len(written) == m["winback_customers"] > 0
    assert written["expected_value"].is_monotonic_decreasing


def hostile_buyer(customer_id: str) -> str:
    """Buyer names typed to run as spreadsheet formulas, and JD-style 19-digit numeric buyer ids."""
    n = int(customer_id[1:])
    return [
        f'=HYPERLINK("http://example.invalid","click{n}")',
        f"+1+{n}",
        f"-2+{n}",
        f"@SUM(A{n})",
        str(7_000_000_000_000_000_000 + n),
    ][n % 5]


def test_hostile_buyer_names_reach_the_winback_files_inert_and_long_ids_whole(tmp_path):
    orders = demo_export(SMALL)
    export = orders[["order_id", "customer_id", "order_date", "amount", "city"]].assign(
        customer_id=orders["customer_id"].map(hostile_buyer)
    )
    path = tmp_path / "orders.csv"
    export.to_csv(path, index=False, encoding="utf-8")
    m = recorded(STEM, transactions_csv=str(path), output_dir=str(tmp_path / "run0"))  # cells run in this process
    with (tmp_path / "run0" / "winback_list.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    ids = [row[header.index("customer_id")] for row in rows]
    assert len(ids) == m["winback_customers"] > 0
    names = [i[1:] if i.startswith("'") else i for i in ids]
    assert set(names) <= set(export["customer_id"])
    assert {n[0] for n in names} == {"=", "+", "-", "@", "7"}  # every kind of hostile name is on the list
    assert all(i.startswith("'") == (not i.isdigit()) for i in ids)  # a formula never, a 19-digit id untouched

    xlsx = tmp_path / "run0" / "winback_list.xlsx"
    sheet = load_workbook(xlsx).active
    column = [c.value for c in sheet[1]].index("customer_id") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, len(ids) + 2)]
    assert [c.value for c in cells] == names  # the buyer's text as typed, 19 digits kept, same order as the CSV
    assert {(c.data_type, c.number_format) for c in cells} == {("s", "@")}
    with zipfile.ZipFile(xlsx) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    revenue = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("revenue") + 1)
    assert revenue.value == pytest.approx(float(rows[0][header.index("revenue")])) and "¥" in revenue.number_format


def test_a_malformed_export_stops_the_run_with_every_problem(run_workbook, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_date,amount\nA1,,2023-01-05,5\nA2,c2,soon,-5\n", encoding="utf-8")
    with pytest.raises(RunFailed) as failed:
        run_workbook(STEM, transactions_csv=str(path))
    message = str(failed.value)
    assert "DataError" in message and "3 problems" in message
    assert not (tmp_path / "run0").exists() or not any((tmp_path / "run0").iterdir())


def test_check_data_lists_every_problem_with_exit_code_2_and_accepts_a_mapped_gbk_export(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("order_id,customer_id,order_date,amount\nA1,,2023-01-05,5\nA2,c2,soon,-5\n", encoding="utf-8")
    result = cli("check-data", "your_shop", str(bad))
    assert result.returncode == 2
    for text in ("empty customer id in 1 row: 2", "not a date", "negative amount in 1 row: 3"):
        assert text in result.stderr
    good = tmp_path / "ExportOrderList.csv"
    orders = taobao_demo_export(good, {"seed": 1, "scale": 0.01})
    mapping = [arg for name, header in TAOBAO.items() for arg in ("-p", name, header)]
    result = cli("check-data", "your_shop", str(good), *mapping)
    assert result.returncode == 0, result.stderr
    assert f"{len(orders):,} orders" in result.stdout


def test_the_committed_notebook_is_executed_with_its_defaults_and_shows_no_warnings():
    import json

    from helpers.notebook.params import notebook_path
    from helpers.notebook.record import read_metrics

    path = notebook_path(STEM)
    m = read_metrics(path)
    for name in CONTRACT:
        assert name in m, name
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
