"""`casebook generate --format parquet` writes a generator's order table month by month (bounded memory):
the files must hold exactly the rows the one-shot path writes, and really be written in pieces."""

import pandas as pd
import pyarrow.parquet as pq
import pytest

from helpers.app.datasets import generate_case
from helpers.io.tables import write_case_data
from helpers.workbooks.cases import CASES, generator


@pytest.mark.parametrize("case", CASES)
def test_chunked_parquet_equals_the_one_shot_tables(case, tmp_path, capsys):
    generate_case(case, tmp_path / "chunked", seed=3, orders=3_000, fmt="parquet")
    module = generator(case)
    tables = module.generate(module.Config(seed=3, scale=3_000 / 50_000))
    write_case_data(tables, tmp_path / "whole", {}, "parquet")
    for name, frame in tables.items():
        chunked = pd.read_parquet(tmp_path / "chunked" / f"{name}.parquet")
        pd.testing.assert_frame_equal(chunked, pd.read_parquet(tmp_path / "whole" / f"{name}.parquet"))
        assert len(chunked) == len(frame)
    # One row group per month with orders: written in pieces, not as one table.
    months = tables["orders"].select_dtypes("datetime").iloc[:, 0].dt.to_period("M").nunique()
    assert months > 1
    assert pq.ParquetFile(tmp_path / "chunked" / "orders.parquet").metadata.num_row_groups == months
    assert "orders" in capsys.readouterr().err  # the progress bar


def test_a_month_without_orders_does_not_break_the_column_types(tmp_path):
    # 20 orders: January has none; the text columns must still be text, not nulls.
    module = generator("your_shop")
    pieces = [frame for name, frame in module.generate_in_chunks(module.Config(seed=1, scale=20 / 50_000))]
    assert pieces[1].empty  # the precondition: the first month's piece of orders is empty
    generate_case("your_shop", tmp_path, seed=1, orders=20, fmt="parquet")
    orders = pq.read_table(tmp_path / "orders.parquet")
    assert str(orders.schema.field("order_id").type) == "string" and orders.num_rows > 0
