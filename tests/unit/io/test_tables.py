import pandas as pd
import pytest
from support import files_under

from generators.your_shop import SCHEMA
from helpers.core import language
from helpers.core.errors import DataError
from helpers.core.schema import Column, Table
from helpers.io.tables import atomic_dir, atomic_path, load_case_data, write_json, write_table

TABLE = Table(
    "orders",
    "demo",
    (
        Column("order_id", "str", unique=True),
        Column("amount", "float", min=0),
        Column("qty", "int", min=1),
        Column("order_date", "date"),
        Column("channel", "str", choices=("Tmall", "JD")),
    ),
)


def test_atomic_path_leaves_nothing_when_the_block_fails(tmp_path):
    target = tmp_path / "out" / "a.txt"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert files_under(tmp_path) == []


def test_atomic_dir_replaces_a_folder_whole_or_not_at_all(tmp_path):
    target = tmp_path / "data"
    with atomic_dir(target) as tmp:
        (tmp / "a.csv").write_text("1")
    with pytest.raises(KeyboardInterrupt), atomic_dir(target) as tmp:
        (tmp / "b.csv").write_text("2")
        raise KeyboardInterrupt
    assert [p.name for p in files_under(tmp_path)] == ["a.csv"]


def test_csv_has_a_bom_and_json_is_stable(tmp_path):
    write_table(pd.DataFrame({"city": ["北京"], "amount": [1.5]}), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbfcity,amount\n")
    write_json(tmp_path / "m.json", {"b": 1, "a": "拼团"})
    assert (tmp_path / "m.json").read_text(encoding="utf-8") == '{\n  "a": "拼团",\n  "b": 1\n}\n'
    assert oct((tmp_path / "m.json").stat().st_mode & 0o777) == "0o644"


def test_table_check_reports_every_problem_with_rows():
    raw = pd.DataFrame(
        {
            "order_id": ["a", "b", "b", "d"],
            "amount": ["1.5", "x", "-2", ""],
            "qty": ["1", "2.5", "1", "1"],
            "order_date": ["2024-01-01", "not a date", "2024-01-03", "2024-01-04"],
            "channel": ["Tmall", "JD", "Taobao", "JD"],
        }
    )
    frame, problems = TABLE.check(raw, "orders.csv")
    for expected in (
        "orders.csv, column 'amount': not a number in 1 row: 3 (e.g. 'x')",
        "orders.csv, column 'amount': empty in 1 row: 5",
        "orders.csv, column 'amount': below the minimum 0 in 1 row: 4",
        "orders.csv, column 'qty': not a whole number in 1 row: 3 (e.g. '2.5')",
        "orders.csv, column 'order_date': not a date in 1 row: 3 (e.g. 'not a date')",
        "orders.csv, column 'channel': not one of Tmall, JD in 1 row: 4 (e.g. 'Taobao')",
        "orders.csv, column 'order_id': duplicated value in 1 row: 4",
    ):
        assert expected in problems
    assert len(problems) == 7
    assert frame["amount"].iloc[0] == 1.5


def test_missing_columns_and_empty_tables_are_named():
    _, problems = TABLE.check(pd.DataFrame({"order_id": []}), "orders.csv")
    assert problems[0] == "orders.csv: missing column(s) amount, qty, order_date, channel (found: order_id)"
    assert "orders.csv: the table has no rows" in problems


def test_load_case_data_lists_problems_across_tables(tmp_path):
    (tmp_path / "orders.csv").write_text("order_id,amount\nO1,abc\n", encoding="utf-8-sig")
    (tmp_path / "extra.csv").write_text("x\n1\n")
    with pytest.raises(DataError) as error:
        load_case_data("your_shop", tmp_path, SCHEMA)
    problems = error.value.problems
    assert any("missing table customers.csv" in p for p in problems)
    assert any("extra.csv: not a table of case your_shop" in p for p in problems)
    assert any("orders.csv: missing column(s)" in p for p in problems)


def test_data_problems_and_their_heading_speak_the_current_language(tmp_path):
    raw = pd.DataFrame({"order_id": ["a", "a"], "amount": ["x", "1"], "qty": ["1", "1"]})
    raw["order_date"], raw["channel"] = "2024-01-01", "JD"
    language.use("zh")
    try:
        _, problems = TABLE.check(raw, "orders.csv")
        heading = DataError(problems).heading
        with pytest.raises(DataError) as error:
            load_case_data("your_shop", tmp_path / "nowhere", SCHEMA)
    finally:
        language.use("en")
    assert "orders.csv 的 'amount' 列：不是数字，第 2 行（例如 'x'）" in problems
    assert "orders.csv 的 'order_id' 列：取值重复，第 3 行" in problems
    assert heading == "数据中有 2 个问题：" and DataError(problems[:1]).heading == "1 problem in the data:"
    assert error.value.problems == [f"{tmp_path / 'nowhere'}：文件或文件夹不存在"]
