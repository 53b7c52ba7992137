"""Parameter values for the table-driven sweeps, generated from every workbook's parameters cell."""

from __future__ import annotations

import re

from helpers.notebook.files import all_notebooks
from helpers.notebook.params import Param, read_spec

SPECS = {path.stem: read_spec(path) for path in all_notebooks()}
NOT_A_NUMBER = re.compile(r"(?<![\w/])(nan|NaN|inf|-inf|None)(?![\w/])")
PATH_LIKE = ("_dir", "_csv", "_path")


def bad_values(param: Param) -> list:
    """A wrong type and values just outside the range, as they would arrive from `-p NAME VALUE`."""
    if param.type == "bool":
        return ["maybe", "2"]
    if param.type == "str":
        return [] if param.choices is None else ["not-a-choice"]
    values = ["abc", "nan"]
    step = 1 if param.type == "int" else max(abs(param.high or param.low or 1) * 1e-3, 1e-6)
    if param.low is not None:
        values.append(str(param.low - step))
    if param.high is not None:
        values.append(str(param.high + step))
    if param.type == "int":
        values.append("1.5")
    return values


def edge_values(param: Param) -> list:
    """The values at the ends of the allowed range (or every choice).

    `encoding` has none: it is read only with a user's export (the export tests cover each choice), so on the
    demo data every choice would repeat the default run.
    """
    if param.name == "encoding":
        return []
    if param.choices is not None:
        return list(param.choices)
    if param.type == "bool":
        return [True, False]
    if param.type == "str":
        return []
    if param.name == "scale":  # the largest data (20× the default) is a matter of time and memory: `make bench`
        return [param.low]
    return [v for v in (param.low, param.high) if v is not None]
