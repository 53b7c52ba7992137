"""Loading order exports: column mapping, encodings, date and money formats, and every problem listed at once."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from support.exports import taobao_export, write

from helpers.core.errors import DataError
from helpers.io.orders import (
    check_transactions,
    column_map,
    detect_encoding,
    from_frame,
    load_transactions,
    rows_text,
    validate,
)

HEADER = "order_id,customer_id,order_date,amount\n"
GOOD_ROWS = 'A1,c1,2023-01-05,10.00\nA2,c2,2023-01-06 13:45:10,20.50\nA3,c1,2023/2/7 9:05,"1,234.00"\n'
TAOBAO = {
    "order_id": "订单编号",
    "customer_id": "买家会员名",
    "order_date": "订单付款时间",
    "amount": "买家实际支付金额",
}


def test_canonical_utf8_file_loads_typed(tmp_path):
    frame = load_transactions(write(tmp_path, HEADER + GOOD_ROWS))
    assert list(frame.columns) == ["order_id", "customer_id", "order_date", "amount"]
    assert frame["amount"].tolist() == [10.0, 20.5, 1234.0]
    assert frame["order_date"].tolist() == [
        pd.Timestamp("2023-01-05"),
        pd.Timestamp("2023-01-06 13:45:10"),
        pd.Timestamp("2023-02-07 09:05"),
    ]
    assert frame["customer_id"].tolist() == ["c1", "c2", "c1"]


def test_utf8_with_bom_is_detected_and_the_bom_is_not_part_of_the_first_header(tmp_path):
    path = write(tmp_path, HEADER + GOOD_ROWS, "utf-8-sig")
    assert detect_encoding(path) == "utf-8-sig"
    assert len(load_transactions(path)) == 3


@pytest.mark.parametrize("encoding", ["auto", "gbk", "gb18030"])
def test_gbk_taobao_export_loads_with_a_mapping_only(tmp_path, encoding):
    path = write(tmp_path, taobao_export(), "gbk")
    frame = load_transactions(path, encoding=encoding, columns=TAOBAO | {"quantity": "宝贝总数量"})
    assert frame["customer_id"].tolist() == ["张三", "李四", "张三"]
    assert frame["order_id"].tolist() == ["3012345678901234", "3012345678901235", "3012345678901236"]
    assert frame["amount"].tolist() == [1299.0, 2599.5, 88.0]
    assert frame["quantity"].tolist() == [2, 1, 1]
    assert frame["order_date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-03-01", "2023-03-02", "2023-04-01"]


def test_gbk_is_detected_as_gb18030(tmp_path):
    assert detect_encoding(write(tmp_path, taobao_export(), "gbk")) == "gb18030"
    assert detect_encoding(write(tmp_path, taobao_export(), "utf-8", "u.csv")) == "utf-8"


def test_gbk_file_read_as_utf8_gives_a_clear_problem(tmp_path):
    problems = check_transactions(write(tmp_path, taobao_export(), "gbk"), encoding="utf-8", columns=TAOBAO)
    assert len(problems) == 1 and "utf-8" in problems[0] and "encoding" in problems[0]


def test_tab_separated_export_and_padded_headers(tmp_path):
    text = "order_id\t customer_id \torder_date\tamount\nA1\tc1\t2023-01-05\t5\n"
    assert load_transactions(write(tmp_path, text))["customer_id"].tolist() == ["c1"]


def test_column_map_from_workbook_parameters_drops_empty_optionals():
    values = {
        "col_order_id": "订单编号",
        "col_customer_id": "买家会员名",
        "col_order_date": "订单付款时间",
        "col_amount": "买家实际支付金额",
        "col_quantity": "",
        "col_city": "城市",
    }
    assert column_map(values) == TAOBAO | {"city": "城市"}
    assert column_map({}) == {
        "order_id": "order_id",
        "customer_id": "customer_id",
        "order_date": "order_date",
        "amount": "amount",
    }


def test_optional_columns_are_kept_and_id_like_text_is_not_turned_into_numbers(tmp_path):
    text = "order_id,customer_id,order_date,amount,channel,city\n007,00012,2023-01-05,5,Tmall,杭州\n"
    frame = load_transactions(write(tmp_path, text), columns={"channel": "channel", "city": "city"})
    assert frame.loc[0, ["order_id", "customer_id", "channel", "city"]].tolist() == ["007", "00012", "Tmall", "杭州"]


# ---------------------------------------------------------------- malformed files, each with the right message

MALFORMED = {
    "missing columns": (
        "order_no,customer_id,date\nA1,c1,2023-01-05\n",
        [
            r"missing column\(s\) 'order_id' \(col_order_id\), 'order_date' \(col_order_date\), "
            r"'amount' \(col_amount\); columns found: 'order_no', 'customer_id', 'date'"
        ],
    ),
    "unparseable dates": (
        HEADER + "A1,c1,2023-02-30,1\nA2,c2,yesterday,1\nA3,c3,2023-01-05,1\n",
        [r"column 'order_date': not a date .* in 2 rows: 2, 3 \(e\.g\. '2023-02-30'\)"],
    ),
    "non-numeric amounts": (
        HEADER + "A1,c1,2023-01-05,ten\nA2,c2,2023-01-05,12.5\n",
        [r"column 'amount': not a number in 1 row: 2 \(e\.g\. 'ten'\)"],
    ),
    "negative amounts": (
        HEADER + "A1,c1,2023-01-05,5\nA2,c2,2023-01-05,-12.5\n",
        [r"column 'amount': negative amount in 1 row: 3 \(e\.g\. '-12\.5'\)"],
    ),
    "empty customer ids": (
        HEADER + "A1,,2023-01-05,5\nA2,  ,2023-01-05,5\n",
        [r"column 'customer_id': empty customer id in 2 rows: 2, 3"],
    ),
    "duplicated order rows": (
        HEADER + "A1,c1,2023-01-05,5\nA2,c1,2023-01-06,5\nA1,c1,2023-01-05,5\n",
        [r"duplicated order rows \(same order id as an earlier row\) in 1 row: 4 \(e\.g\. order 'A1'\)"],
    ),
    "empty file": ("", [r"the file is empty"]),
    "header only": (HEADER, [r"the file has a header but no rows"]),
    "ragged row": (HEADER + "A1,c1,2023-01-05,5,extra\n", [r"cannot be read as utf-8 CSV"]),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_each_malformed_file_gives_its_message(tmp_path, case):
    text, expected = MALFORMED[case]
    path = write(tmp_path, text)
    problems = check_transactions(path)
    assert len(problems) == len(expected), problems
    for pattern, problem in zip(expected, problems, strict=True):
        assert problem.startswith("orders.csv") and re.search(pattern, problem), problem
    with pytest.raises(DataError) as raised:
        load_transactions(path)
    assert raised.value.problems == problems


def test_every_problem_is_listed_at_once(tmp_path):
    text = HEADER + "A1,,2023-01-05,5\nA2,c2,soon,5\nA3,c3,2023-01-05,abc\nA4,c4,2023-01-05,-1\nA4,c4,2023-01-05,3\n"
    problems = check_transactions(write(tmp_path, text))
    kinds = ["empty customer id", "not a date", "not a number", "negative amount", "duplicated order rows"]
    assert len(problems) == len(kinds)
    for kind in kinds:
        assert sum(kind in p for p in problems) == 1, (kind, problems)


def test_many_bad_rows_show_the_first_few_and_a_count(tmp_path):
    rows = "".join(f"A{i},c{i},2023-01-05,{'x' if i % 2 else '1'}\n" for i in range(40))
    (problem,) = check_transactions(write(tmp_path, HEADER + rows))
    assert "20 rows: 3, 5, 7, 9, 11 (and 15 more)" in problem


def test_rows_text_uses_spreadsheet_row_numbers():
    assert rows_text(np.array([True, False, True])) == "2 rows: 2, 4"


def test_unsupported_encoding_and_missing_file_are_problems_not_crashes(tmp_path):
    path = write(tmp_path, HEADER + GOOD_ROWS)
    assert "not supported" in check_transactions(path, encoding="latin-1")[0]
    assert "no such file" in check_transactions(tmp_path / "nothing.csv")[0]


def test_mapping_names_the_user_headers_in_messages(tmp_path):
    text = "订单编号,买家会员名,订单付款时间,买家实际支付金额\n1,张三,不是日期,5\n"
    (problem,) = check_transactions(write(tmp_path, text, "gbk"), columns=TAOBAO)
    assert "column '订单付款时间': not a date" in problem


def test_from_frame_checks_an_in_memory_table_like_a_file():
    stamps = pd.to_datetime(["2023-01-05 10:00", "2023-01-06 00:00"])
    frame = pd.DataFrame(
        {"order_id": ["A1", "A2"], "customer_id": ["c1", ""], "order_date": stamps, "amount": [5.0, -1.0]}
    )
    with pytest.raises(DataError) as raised:
        from_frame(frame)
    assert len(raised.value.problems) == 2
    clean = from_frame(frame.assign(customer_id=["c1", "c2"], amount=[5.0, 1.0]))
    assert clean["order_date"].tolist() == [pd.Timestamp("2023-01-05 10:00"), pd.Timestamp("2023-01-06")]


def test_typed_timestamps_give_what_their_text_in_an_export_gives(tmp_path):
    stamps = pd.Series(pd.to_datetime(["2023-01-05 10:00:07.9", "2023-03-01 23:59:59.999", None]))
    frame = pd.DataFrame({"order_id": ["A1", "A2", "A3"], "customer_id": ["c1", "c2", "c3"], "amount": [5.0] * 3})
    typed = validate(frame.assign(order_date=stamps))
    as_text = validate(frame.assign(order_date=["2023-01-05 10:00:07", "2023-03-01 23:59:59", ""]))
    assert typed[0]["order_date"].tolist() == as_text[0]["order_date"].tolist()  # sub-seconds dropped, NaT kept
    assert typed[0]["order_date"].iloc[0] == pd.Timestamp("2023-01-05 10:00:07")
    assert typed[1] == as_text[1] and len(typed[1]) == 1 and typed[1][0].endswith("row: 4")  # the empty cell
    zoned = validate(frame.assign(order_date=stamps.dt.tz_localize("Asia/Shanghai")))[0]["order_date"]
    assert zoned.tolist() == typed[0]["order_date"].tolist()  # the shop's local clock time


def test_one_column_mapped_to_two_roles_is_a_problem(tmp_path):
    text = HEADER.replace("\n", ",店铺\n") + "A1,c1,2023-01-05,5,天猫\n"
    (problem,) = check_transactions(write(tmp_path, text), columns={"channel": "店铺", "city": "店铺"})
    assert "'店铺' is mapped to several roles (col_channel, col_city)" in problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-05", "2023-01-05 00:00:00"),
        ("2023-01-05 13:45", "2023-01-05 13:45:00"),
        ("2023/1/5 9:05:07", "2023-01-05 09:05:07"),
        ("2023.1.5", "2023-01-05 00:00:00"),
        ("2023年1月5日", "2023-01-05 00:00:00"),
        ("2023-01-05T10:00:00+08:00", "2023-01-05 10:00:00"),
        ("2023-02-30", None),
        ("45123.5", None),
        ("next week", None),
    ],
)
def test_date_formats_with_or_without_times(text, expected):
    import pyarrow as pa

    from helpers.io.orders import parse_dates

    (parsed,) = parse_dates(pa.chunked_array([pa.array([text])])).tolist()
    assert (None if pd.isna(parsed) else str(parsed)) == expected


def test_amount_formats_and_non_finite_numbers(tmp_path):
    import pyarrow as pa

    from helpers.io.orders import parse_amounts

    values = parse_amounts(pa.chunked_array([pa.array(["1,234,567.00", "¥12", "￥ 1 299.00元", "1e3", "(12)"])]))
    assert values[:4].tolist() == [1234567.0, 12.0, 1299.0, 1000.0] and np.isnan(values[4])
    (problem,) = check_transactions(write(tmp_path, HEADER + "A1,c1,2023-01-05,inf\n"))
    assert "not a number in 1 row: 2" in problem
