"""BG/NBD and Gamma-Gamma: parameter recovery from simulated data, model inputs, the holdout check, quiet fits."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import ltv
from helpers.core.errors import ParameterError
from helpers.io.orders import from_frame
from helpers.workbooks.your_shop import DEMO_COLUMNS, demo_export

with warnings.catch_warnings():
    from lifetimes.generate_data import beta_geometric_nbd_model
    from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

# The CDNOW estimates of Fader, Hardie & Lee (2005) in weeks, converted to days (alpha × 7) for a 39-week window.
BGNBD = {"r": 0.24, "alpha": 4.41 * 7, "a": 0.79, "b": 2.43}
# The CDNOW Gamma-Gamma estimates of Fader & Hardie (2013).
GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}


def simulate_bgnbd(seed: int, size: int = 8000, days: float = 273.0) -> pd.DataFrame:
    """Customers from the BG/NBD story with known parameters (lifetimes' generator, seeded, global state restored)."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        return beta_geometric_nbd_model(days, *BGNBD.values(), size=size)
    finally:
        np.random.set_state(state)


def simulate_gamma_gamma(seed: int, size: int = 8000) -> tuple[np.ndarray, np.ndarray]:
    """Repeat purchase counts and mean spend from the Gamma-Gamma story with known parameters."""
    rng = np.random.default_rng(seed)
    repeat = rng.integers(1, 16, size)
    rate = rng.gamma(GAMMA_GAMMA["q"], 1 / GAMMA_GAMMA["v"], size)  # nu ~ Gamma(q, v)
    return repeat, rng.gamma(GAMMA_GAMMA["p"] * repeat, 1 / rate) / repeat  # mean of x draws of Gamma(p, nu)


def bgnbd_fit(seed: int) -> ltv.Fit:
    data = simulate_bgnbd(seed)
    return ltv.fit_bgnbd(data["frequency"].to_numpy(), data["recency"].to_numpy(), data["T"].to_numpy())


def test_bgnbd_recovers_known_parameters():
    fit = bgnbd_fit(seed=1)
    assert fit.converged and fit.notes == []
    errors = fit.model.standard_errors_
    for name, true in BGNBD.items():
        assert fit.params[name] == pytest.approx(true, rel=0.12), name
        assert abs(fit.params[name] - true) < 3 * errors[name], name


def test_gamma_gamma_recovers_known_parameters():
    repeat, spend = simulate_gamma_gamma(seed=1)
    fit = ltv.fit_gamma_gamma(repeat, spend)
    assert fit.converged
    p, q, v = (fit.params[k] for k in "pqv")
    assert q == pytest.approx(GAMMA_GAMMA["q"], rel=0.05)
    assert p == pytest.approx(GAMMA_GAMMA["p"], rel=0.25) and v == pytest.approx(GAMMA_GAMMA["v"], rel=0.25)
    true_mean = GAMMA_GAMMA["p"] * GAMMA_GAMMA["v"] / (GAMMA_GAMMA["q"] - 1)
    assert p * v / (q - 1) == pytest.approx(true_mean, rel=0.03)  # population mean spend per purchase


@pytest.mark.slow
def test_bgnbd_estimates_are_unbiased_over_many_seeds():
    estimates = pd.DataFrame([bgnbd_fit(seed).params for seed in range(20)])
    for name, true in BGNBD.items():
        assert estimates[name].mean() == pytest.approx(true, rel=0.05), name


def history() -> pd.DataFrame:
    """Customer a: Jan 1, Jan 1 again (same day), Jan 11 (¥30), Jan 21 (¥50); b: Jan 5 only; c: after the cut."""
    return pd.DataFrame(
        {
            "order_id": list("123456"),
            "customer_id": ["a", "a", "a", "b", "a", "c"],
            "order_date": pd.to_datetime(
                ["2023-01-01 09:00", "2023-01-01 18:00", "2023-01-11", "2023-01-05", "2023-01-21", "2023-01-25"],
                format="ISO8601",
            ),
            "amount": [10.0, 5.0, 30.0, 8.0, 50.0, 7.0],
        }
    )


def test_model_inputs_count_purchase_days_and_average_repeat_spend():
    days = ltv.purchase_days(history())
    assert len(days) == 5  # two orders of a on Jan 1 are one purchase day
    frame = ltv.model_inputs(days, pd.Timestamp("2023-01-21"))
    assert frame.index.tolist() == ["a", "b"]
    assert frame.loc["a"].tolist() == [2, 20.0, 20.0, 40.0]  # frequency, recency, T, mean repeat spend
    assert frame.loc["b", ["frequency", "recency", "T"]].tolist() == [0, 0.0, 16.0]
    assert np.isnan(frame.loc["b", "monetary_value"])


def test_calibration_holdout_counts_only_calibration_customers():
    days = ltv.purchase_days(history())
    frame = ltv.calibration_holdout(days, pd.Timestamp("2023-01-10"), pd.Timestamp("2023-01-25"))
    assert frame["frequency_holdout"].to_dict() == {"a": 2, "b": 0}
    assert frame["frequency"].to_dict() == {"a": 0, "b": 0}
    assert (frame["duration_holdout"] == 15).all()


def test_holdout_split_by_date_or_by_days_and_clear_errors():
    orders = history()
    assert ltv.holdout_split(orders, "", 10) == (pd.Timestamp("2023-01-15"), pd.Timestamp("2023-01-25"))
    assert ltv.holdout_split(orders, "2023-01-12", 10)[0] == pd.Timestamp("2023-01-12")
    # a holdout longer than the history keeps the first half to learn from (the workbook notes it)
    assert ltv.holdout_split(orders, "", 90) == (pd.Timestamp("2023-01-13"), pd.Timestamp("2023-01-25"))
    with pytest.raises(ParameterError, match="'calibration_end' = '2023-02-01'"):
        ltv.holdout_split(orders, "2023-02-01")
    with pytest.raises(ParameterError, match="must be a date"):
        ltv.holdout_split(orders, "last spring")


@pytest.fixture(scope="module")
def demo_result() -> ltv.LtvResult:
    orders = from_frame(demo_export({"seed": 5, "scale": 0.1}), DEMO_COLUMNS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak from lifetimes, numpy or scipy
        return ltv.lifetime_value(orders, holdout_days=90)


def test_lifetime_value_on_the_demo_predicts_the_holdout(demo_result):
    assert demo_result.notes == []
    assert demo_result.holdout_predicted == pytest.approx(demo_result.holdout_actual, rel=0.15)
    table = demo_result.holdout
    assert table["group"].tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["predicted"].is_monotonic_increasing  # more past purchases, more expected


def test_customer_values_are_finite_and_consistent(demo_result):
    values = demo_result.values
    assert np.isfinite(values[["p_alive", "expected_purchases", "expected_spend", "expected_value"]]).all().all()
    assert values["p_alive"].between(0, 1).all()
    assert np.allclose(values["expected_value"], values["expected_purchases"] * values["expected_spend"])
    one_timers = values[values["frequency"] == 0]["expected_spend"]
    assert one_timers.nunique() == 1  # without repeat purchases everyone gets the population mean spend


def test_predictions_accept_pandas_columns(demo_result):
    frame = demo_result.values.head(20)
    predicted = ltv.expected_purchases(demo_result.fit_purchases, 30.0, frame)
    assert predicted.shape == (20,) and np.isfinite(predicted).all()


def test_fitting_leaves_global_warning_filters_alone_and_prints_nothing(capsys):
    before = list(warnings.filters)
    fit = ltv.fit_bgnbd(np.array([0, 1, 2, 0]), np.array([0.0, 5.0, 9.0, 0.0]), np.array([10.0, 10.0, 10.0, 3.0]))
    assert list(warnings.filters) == before
    assert capsys.readouterr().out == ""
    assert isinstance(fit.notes, list)


def test_a_model_that_cannot_be_fitted_gives_nan_and_a_note():
    fit = ltv.fit_gamma_gamma(np.array([1, 2]), np.array([10.0, 20.0]))
    assert not fit.converged and "at least 10 repeat customers" in fit.notes[0]
    frame = pd.DataFrame({"frequency": [1], "monetary_value": [10.0]})
    assert np.isnan(ltv.expected_spend(fit, frame)).all()


def random_orders(seed: int, orders: int = 3000) -> pd.DataFrame:
    """Orders of a few hundred customers (ids of mixed length, so text order differs from number order) over
    a year, several on some days, times of day included."""
    rng = np.random.default_rng(seed)
    buyers = np.array([f"C{n}" for n in rng.choice(100_000, 400, replace=False)] + ["买家甲", "买家乙"], dtype=object)
    stamps = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86400, orders), unit="s")
    return pd.DataFrame(
        {
            "customer_id": rng.choice(buyers, orders),
            "order_date": stamps,
            "amount": np.round(rng.gamma(2.0, 60.0, orders), 2),
        }
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_model_inputs_equal_lifetimes_summary(seed):
    orders = random_orders(seed)
    end = pd.Timestamp("2023-10-15")
    days = orders.assign(order_date=orders["order_date"].dt.normalize())
    expected = summary_data_from_transaction_data(
        days, "customer_id", "order_date", monetary_value_col="amount", observation_period_end=end, freq="D"
    )
    frame = ltv.model_inputs(ltv.purchase_days(orders), end)
    assert frame.index.tolist() == expected.index.tolist()
    for column in ("frequency", "recency", "T"):
        assert frame[column].to_numpy(dtype=float).tolist() == expected[column].tolist(), column
    repeat = expected["frequency"] > 0
    assert np.allclose(frame["monetary_value"][repeat], expected["monetary_value"][repeat], rtol=1e-12, atol=0)
    assert frame["monetary_value"][~repeat].isna().all()  # lifetimes writes 0 there


@pytest.mark.parametrize("seed", [1, 2])
def test_calibration_holdout_equals_lifetimes(seed):
    orders = random_orders(seed)
    days = orders.assign(order_date=orders["order_date"].dt.normalize())
    expected = calibration_and_holdout_data(
        days,
        "customer_id",
        "order_date",
        calibration_period_end=pd.Timestamp("2023-09-01"),
        observation_period_end=pd.Timestamp("2023-12-01"),
        freq="D",
    )
    frame = ltv.calibration_holdout(ltv.purchase_days(orders), pd.Timestamp("2023-09-01"), pd.Timestamp("2023-12-01"))
    assert frame.index.tolist() == expected.index.tolist()
    names = {"frequency_cal": "frequency", "recency_cal": "recency", "T_cal": "T"}
    for column in expected.columns:
        assert frame[names.get(column, column)].to_numpy(dtype=float).tolist() == expected[column].tolist(), column
