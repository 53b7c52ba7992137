"""The your-shop workbook module: reading an export with the workbook's own parameters (as the CLI passes them)."""

from __future__ import annotations

import pytest
from support.exports import taobao_export, write

from helpers.core import language
from helpers.core.errors import ParameterError
from helpers.workbooks.your_shop import check_export


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


def test_check_export_reads_workbook_parameters_as_the_cli_passes_them(tmp_path):
    path = write(tmp_path, taobao_export(), "gbk")
    values = {
        "col_order_id": "订单编号",
        "col_customer_id": "买家会员名",
        "col_order_date": "订单付款时间",
        "col_amount": "买家实际支付金额",
        "encoding": "gbk",
    }
    assert check_export(path, values) == ([], "3 orders from 2 customers, 2023-03-01 to 2023-04-01")
    problems, summary = check_export(path, {})
    assert summary == "" and "missing column(s) 'order_id' (col_order_id)" in problems[0]
    with pytest.raises(ParameterError, match="did you mean 'col_order_id'"):
        check_export(path, {"col_order": "订单编号"})
    language.use("zh")
    assert check_export(path, values) == ([], "3 笔订单，来自 2 位顾客，2023-03-01 至 2023-04-01")
