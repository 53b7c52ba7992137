"""Files for Excel: hostile text is inert in the CSV and plain text in the .xlsx; numbers and long ids survive."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers.io.spreadsheet import defuse_formulas, write_for_excel, write_xlsx

HOSTILE = ['=HYPERLINK("http://example.invalid","click")', "+1+1", "-2+3", "@SUM(A1)"]
ORDER_ID = "3456789012345678901"  # 19 digits: a JD order number; as a float it would become 3.45678901234568E+18


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": [ORDER_ID, "2", "3", "4"],
            "buyer": HOSTILE,
            "amount": [-30.5, 12.0, 0.0, 1234.56],
            "note": ["-30.5", "+7", "ok", None],
        }
    )


def csv_rows(path: Path) -> list[list[str]]:
    """The CSV as a spreadsheet sees it: raw text cells, read with the standard library."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_the_four_hostile_names_are_inert_in_the_csv_and_numbers_stay_numbers(tmp_path):
    csv_path, _ = write_for_excel(table(), tmp_path / "list.csv")
    header, *rows = csv_rows(csv_path)
    assert header == ["order_id", "buyer", "amount", "note"]
    assert [row[1] for row in rows] == ["'" + name for name in HOSTILE]
    assert [row[2] for row in rows] == ["-30.5", "12.0", "0.0", "1234.56"]  # no apostrophe: real numbers
    assert [row[3] for row in rows] == ["-30.5", "+7", "ok", ""]  # text holding a plain number is not a formula
    assert rows[0][0] == ORDER_ID
    back = pd.read_csv(csv_path, encoding="utf-8-sig", dtype={"order_id": str})
    assert back["amount"].dtype == "float64" and back["amount"].iloc[0] == -30.5
    assert back["order_id"].iloc[0] == ORDER_ID


@pytest.mark.parametrize("text", ["\tcmd", "\r=1+1", "-", "=1", "@"])
def test_tab_carriage_return_and_bare_triggers_are_defused_too(text):
    frame = pd.DataFrame({"name": [text], "count": [-3]})
    out = defuse_formulas(frame)
    assert out["name"].iloc[0] == "'" + text
    assert out["count"].iloc[0] == -3 and out["count"].dtype == frame["count"].dtype


def test_defusing_leaves_the_callers_frame_and_string_dtype_columns_alone():
    frame = pd.DataFrame({"name": pd.array(["=1+1", "plain"], dtype="string")})
    out = defuse_formulas(frame)
    assert out["name"].tolist() == ["'=1+1", "plain"] and frame["name"].tolist() == ["=1+1", "plain"]


def test_the_xlsx_holds_the_names_as_plain_text_money_in_yuan_and_the_19_digit_id_whole(tmp_path):
    _, xlsx_path = write_for_excel(table(), tmp_path / "list.csv", text_columns=["order_id"], money_columns=["amount"])
    assert xlsx_path == tmp_path / "list.xlsx"
    sheet = load_workbook(xlsx_path).active
    assert [c.value for c in sheet[1]] == ["order_id", "buyer", "amount", "note"]
    names = [sheet.cell(row=r, column=2) for r in range(2, 6)]
    assert [c.value for c in names] == HOSTILE  # the buyer's text as typed, no apostrophe in the value
    assert {c.data_type for c in names} == {"s"}
    assert "<f>" not in sheet_xml(xlsx_path) and "<f " not in sheet_xml(xlsx_path)  # no formula anywhere
    order = sheet["A2"]
    assert (order.value, order.data_type, order.number_format) == (ORDER_ID, "s", "@")
    amount = sheet["C2"]
    assert (amount.value, amount.data_type) == (-30.5, "n") and "¥" in amount.number_format
    assert sheet.freeze_panes == "A2"


def test_the_same_table_gives_the_same_xlsx_bytes_with_no_clock_time_inside(tmp_path):
    write_xlsx(table(), tmp_path / "a.xlsx", text_columns=["order_id"])
    write_xlsx(table(), tmp_path / "b.xlsx", text_columns=["order_id"])
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert core.count("1980-01-01T00:00:00Z") == 2  # created and modified: no clock time
    assert load_workbook(tmp_path / "a.xlsx").active["A2"].value == ORDER_ID


def test_asking_for_a_column_the_table_does_not_have_names_it(tmp_path):
    with pytest.raises(ValueError, match="columns price are not in the table"):
        write_xlsx(table(), tmp_path / "t.xlsx", money_columns=["price"])
    assert not list(tmp_path.iterdir())
