"""Order exports as shops download them, written to disk in a chosen encoding."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.workbooks.your_shop import demo_export


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "orders.csv") -> Path:
    """`text` written to `tmp_path / name` in `encoding`."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def taobao_export() -> str:
    """Three Taobao orders with the back-end's Chinese headers, ￥ amounts and three date styles."""
    return (
        "订单编号,买家会员名,订单付款时间,买家实际支付金额,宝贝总数量,收货地址\n"
        '="3012345678901234",张三,2023-03-01 10:00:00,￥1299.00,2,浙江省杭州市\n'
        '="3012345678901235",李四,2023/3/2,"￥2,599.50",1,广东省深圳市\n'
        '="3012345678901236",张三,2023年4月1日,88,1,浙江省杭州市\n'
    )


def taobao_demo_export(path: Path, values: dict) -> pd.DataFrame:
    """The demo shop's orders as a Taobao order report: GBK, Chinese headers, ￥ and thousands separators."""
    orders = demo_export(values)
    export = pd.DataFrame(
        {
            "订单编号": orders["order_id"],
            "买家会员名": orders["customer_id"],
            "订单付款时间": orders["order_date"].dt.strftime("%Y/%m/%d %H:%M:%S"),
            "买家实际支付金额": orders["amount"].map("￥{:,.2f}".format),
            "收货地址": orders["city"],
        }
    )
    export.to_csv(path, index=False, encoding="gbk")
    return orders
