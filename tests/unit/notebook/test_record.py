import json

import numpy as np
import pytest

from helpers.notebook.record import MIME, Metrics, jsonable, metrics_from_cells, read_metrics


def test_numpy_and_missing_values_become_plain_json():
    assert jsonable({"a": np.int64(3), "b": np.float32(0.5), "c": np.nan, "d": [np.bool_(True)], 1: "x"}) == {
        "a": 3,
        "b": 0.5,
        "c": None,
        "d": [True],
        "1": "x",
    }
    with pytest.raises(TypeError, match="cannot record a object"):
        jsonable(object())


def test_floats_are_stored_to_eight_significant_digits_so_blas_noise_does_not_reach_the_payload():
    # issue #11: the same forecast MAPE under two OpenBLAS kernels; they differ in the 10th significant digit
    assert jsonable(0.13615963921273339) == jsonable(0.1361596392620435) == 0.13615964
    assert jsonable({"x": [np.float64(1 / 3), 123456.78901234567, -2.5e-12]}) == {
        "x": [0.33333333, 123456.79, -2.5e-12]
    }
    assert jsonable(12345678901234567) == 12345678901234567  # integers are exact, never rounded
    assert jsonable(0.0) == 0.0


def test_recorded_outputs_are_read_back_and_later_records_win(tmp_path):
    def output(name, value):
        return {"output_type": "display_data", "data": {MIME: {"name": name, "value": value}, "text/plain": ""}}

    cells = [
        {"cell_type": "code", "outputs": [output("gmv", 1.0), {"output_type": "stream", "text": "hi"}]},
        {"cell_type": "markdown"},
        {"cell_type": "code", "outputs": [output("gmv", 2.0), output("k", None)]},
    ]
    assert metrics_from_cells(cells) == {"gmv": 2.0, "k": None}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert read_metrics(path) == {"gmv": 2.0, "k": None}


def test_metrics_keeps_values_and_displays_them(monkeypatch):
    shown = []
    monkeypatch.setattr("helpers.notebook.record.display", lambda obj, raw=False: shown.append(obj))
    m = Metrics()
    assert m("gmv", np.float64(12.5)) == 12.5
    assert m["gmv"] == 12.5
    assert shown == [{MIME: {"name": "gmv", "value": 12.5}, "text/plain": ""}]
