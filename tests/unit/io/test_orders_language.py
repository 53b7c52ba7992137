"""Problems in a shop's export are told in the reader's language: the same problems, rows and examples."""

from __future__ import annotations

import re

import numpy as np
import pytest
from support.exports import write

from helpers.core import language
from helpers.io.orders import check_transactions, rows_text

BROKEN = "order_id,customer_id,order_date,amount\nA1,,2023-01-05,5\nA2,c2,soon,-5\nA2,c3,2023-01-07,8\n"


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


def test_every_problem_of_an_export_is_told_in_chinese_with_the_same_rows(tmp_path):
    path = write(tmp_path, BROKEN)
    english = check_transactions(path)
    language.use("zh")
    chinese = check_transactions(path)
    assert len(chinese) == len(english) == 4  # empty buyer, a non-date, a negative amount, a repeated order
    for en, zh in zip(english, chinese, strict=True):
        assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"\b(row|rows|empty|column)\b", zh), zh
        assert set(re.findall(r"\d+", zh)) <= set(re.findall(r"\d+", en)), (en, zh)  # same rows and examples
    assert chinese[0] == "orders.csv 的 'customer_id' 列：买家ID为空，第 2 行"
    assert chinese[3] == "orders.csv：重复的订单行（订单编号与前面某行相同），第 4 行（例如订单 'A2'）"


def test_missing_columns_name_the_parameters_in_chinese(tmp_path):
    language.use("zh")
    [problem] = check_transactions(write(tmp_path, "订单编号,金额\n1,2\n"))
    assert problem.startswith("orders.csv：缺少列 'order_id' (col_order_id)")
    assert "请把 col_… 参数设为你导出文件的表头" in problem


def test_row_lists_keep_their_numbers_in_both_languages():
    mask = np.zeros(20, dtype=bool)
    mask[[0, 3, 7, 9, 11, 15, 18]] = True  # spreadsheet rows 2, 5, 9, 11, 13, 17, 20 (header = row 1)
    assert rows_text(mask) == "7 rows: 2, 5, 9, 11, 13 (and 2 more)"
    language.use("zh")
    assert rows_text(mask) == "7 行（行号 2, 5, 9, 11, 13 等，另有 2 行）"
    assert rows_text(mask[:1]) == "第 2 行"
