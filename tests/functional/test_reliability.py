"""Table-driven reliability sweep over every workbook and every parameter, generated from the parameters cells.

A new workbook or parameter is covered without writing a test: for each parameter, a wrong type and values
just outside its range must be refused (exit-code-2 path, one line naming it), and its edge values inside the
range must run to the end with no NaN shown to the reader.
"""

from __future__ import annotations

import re

import pytest
from support.inprocess import CellError, run_in_process
from support.sweep import NOT_A_NUMBER, PATH_LIKE, SPECS, bad_values, edge_values

from helpers.app.runner import plan
from helpers.core.errors import ParameterError

BAD = [(stem, p.name, v) for stem, spec in SPECS.items() for p in spec for v in bad_values(p)]
EDGES = [  # an edge that is also the default repeats the run of `scale` at its edge (the defaults at that size)
    (stem, p.name, v)
    for stem, spec in SPECS.items()
    for p in spec
    if p.name != "seed"
    for v in edge_values(p)
    if v != p.default
]


def test_every_numeric_parameter_declares_its_range():
    for stem, spec in SPECS.items():
        for p in spec:
            if p.type in ("int", "float"):
                assert p.low is not None, f"{stem}: '{p.name}' needs a range in its comment"
            if p.type == "str" and not p.name.endswith(PATH_LIKE) and not p.name.startswith("col_"):
                assert p.choices is not None or p.name in ("encoding", "calibration_end"), f"{stem}: '{p.name}'"


@pytest.mark.parametrize(("stem", "name", "value"), BAD, ids=[f"{s}-{n}-{v}" for s, n, v in BAD])
def test_bad_values_are_refused_naming_the_parameter(stem, name, value):
    with pytest.raises(ParameterError) as error:
        plan([stem], {name: value})
    message = str(error.value)
    assert f"'{name}'" in message and repr(value) in message and "must be" in message
    assert "\n" not in message


def test_unknown_names_suggest_the_closest_parameter():
    for stem, spec in SPECS.items():
        name = next(p.name for p in spec if len(p.name) > 4)
        with pytest.raises(ParameterError, match=f"did you mean '{name}'"):
            plan([stem], {name[:-1]: 1})


def _fast(stem: str) -> dict:
    """Defaults at the smallest size, so that the sweep stays quick."""
    scale = SPECS[stem].params.get("scale")
    return {"scale": scale.low} if scale is not None else {}


@pytest.mark.parametrize(("stem", "name", "value"), EDGES, ids=[f"{s}-{n}-{v}" for s, n, v in EDGES])
def test_edge_values_run_to_the_end_without_nan_on_screen(stem, name, value):
    values = {**_fast(stem), name: value}
    try:
        plan([stem], values)
    except ParameterError as refused:  # an edge that breaks a rule across parameters is refused cleanly
        assert f"'{name}'" in str(refused) or name in str(refused)
        return
    try:
        run = run_in_process(stem, values)
    except CellError as error:
        pytest.fail(str(error))
    shown = "\n".join(run.shown)
    assert run.raw == [], "a cell ends on a bare value that the reader sees as Out[n]: end it with ';'"
    assert not NOT_A_NUMBER.search(re.sub(r"<[^>]+>", " ", shown)), NOT_A_NUMBER.search(shown)
    assert run.metrics.get("review"), "every run ends with a review card"
    assert not [w for w in run.warnings if "RuntimeWarning" in w or "FutureWarning" in w], run.warnings


def test_a_bad_value_in_jupyterlab_stops_at_the_cell_after_parameters_with_the_cli_message():
    for stem, spec in SPECS.items():
        p = next(p for p in spec if p.type == "float" and p.high is not None)
        with pytest.raises(ParameterError) as cli:
            plan([stem], {p.name: p.high + 1})
        with pytest.raises(CellError, match="cell 2 ") as lab:
            run_in_process(stem, {p.name: p.high + 1})
        assert str(lab.value.__cause__) == str(cli.value)
