"""The four case datasets: which generator makes each, its schema, and a workbook's tables (generated or yours).

The generators are held here as module objects (no names to import by string), so adding a case is one
line and an unknown case is a clear error listing the known ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import ModuleType
from typing import Any

import pandas as pd

from generators import jd, perfect_diary, pinduoduo, your_shop
from generators.common import config_from
from helpers.core.errors import DataError
from helpers.core.messages import message
from helpers.core.schema import Table
from helpers.io.tables import check_case_data, load_case_data
from helpers.notebook.story import table

GENERATORS: dict[str, ModuleType] = {
    "your_shop": your_shop,
    "pinduoduo": pinduoduo,
    "jd": jd,
    "perfect_diary": perfect_diary,
}
CASES = tuple(GENERATORS)


def generator(case: str) -> ModuleType:
    """The generator module of `case`; DataError naming the known cases otherwise."""
    if case not in GENERATORS:
        raise DataError([f"unknown case {case!r}: choose one of {', '.join(CASES)}"])
    return GENERATORS[case]


def case_schema(case: str) -> dict[str, Table]:
    """The tables a case's generator writes and its loader accepts."""
    return generator(case).SCHEMA


def check_case(case: str, path: Any) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every table of `case` found at `path` (file or folder), typed, and every problem found."""
    return check_case_data(case, path, case_schema(case))


def load_or_generate(case: str, values: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """The case's tables: your own CSVs when `data_dir` is set, otherwise generated from the parameters."""
    data_dir = values.get("data_dir", "")
    if data_dir:
        return load_case_data(case, data_dir, case_schema(case))
    module = generator(case)
    return module.generate(config_from(module.Config, dict(values)))


def counterfactual(case: str, values: Mapping[str, Any], **changes: Any) -> dict[str, pd.DataFrame] | None:
    """The same case and seed with some levers changed (common random numbers), or None for your own data,
    where no counterfactual exists."""
    if values.get("data_dir"):
        return None
    module = generator(case)
    return module.generate(replace(config_from(module.Config, dict(values)), **changes))


def facts_table(case: str, facts: tuple[str, ...]) -> pd.DataFrame:
    """Published figures of a case with their year and source (docs/SOURCES.md), from the case's catalog
    (`<case>.facts.<fact>.name|value|year|source`), in the edition's language."""
    parts = ("name", "value", "year", "source")
    return pd.DataFrame([{f"fact_{part}": message(f"{case}.facts.{fact}.{part}") for part in parts} for fact in facts])


def dataset_overview(tables: Mapping[str, pd.DataFrame], case: str) -> None:
    """Show the 'data at a glance' table of a Background section (`overview_frame`), one builder for every case."""
    table(
        overview_frame(tables, case),
        {"dataset_rows": "num", "dataset_columns": "num"},
        caption=message("cases.caption"),
    )


def overview_frame(tables: Mapping[str, pd.DataFrame], case: str) -> pd.DataFrame:
    """One row per table of `case`: its file name, rows, columns and what it holds.

    What a table holds comes from the `cases` catalog (`cases.tables.<case>.<table>`) in the edition's
    language; the English text is the generator's data-dictionary description. Headers are shared labels
    (`dataset_file`, `dataset_rows`, …), the same in every workbook.
    """
    generator(case)  # an unknown case is a DataError naming the known ones
    rows = [
        {
            "dataset_file": f"{name}.csv",
            "dataset_rows": len(frame),
            "dataset_columns": len(frame.columns),
            "dataset_holds": message(f"cases.tables.{case}.{name}"),
        }
        for name, frame in tables.items()
    ]
    return pd.DataFrame(rows, columns=["dataset_file", "dataset_rows", "dataset_columns", "dataset_holds"])
