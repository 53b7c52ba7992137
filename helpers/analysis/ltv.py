"""Customer lifetime value: BG/NBD for repeat purchases and Gamma-Gamma for spend, with a calibration/holdout check.

Models from Fader, Hardie & Lee (2005) "Counting your customers the easy way" and Fader & Hardie (2013), fitted
with the pinned `lifetimes` package. The time unit is the day: a purchase day is a day with at least one order
(several orders on one day count once, their amounts summed), frequency = repeat purchase days, recency = days
from the first to the last purchase day, T = days from the first purchase day to the end of the period.

Two things about `lifetimes` 0.11.3 are handled here rather than in notebooks: its prediction methods fail on
pandas Series under current pandas ("Cannot apply ufunc hyp2f1 to mixed DataFrame and Series"), so only numpy
arrays go in; and it changes the global warning filters, prints the optimiser state when a fit fails and lets
numpy/scipy warnings through. Imports and fits therefore run inside `warnings.catch_warnings` with stdout
captured; what was caught is returned as readable notes (shown by the workbook), never leaked as output.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.analysis.customers import customer_codes
from helpers.core.errors import ParameterError
from helpers.core.messages import message

TIME_UNIT = "days"
HORIZON_DAYS = 365
PENALIZERS = (0.0, 0.001, 0.01)  # tried in turn: no penalty first (unbiased), then small L2 penalties
GG_INDEPENDENCE_LIMIT = 0.3  # |r| above this: spend per purchase depends on frequency, Gamma-Gamma's values are biased
FREQUENCY_GROUPS = 7  # holdout check groups 0, 1, …, 6 and "7+" repeat purchase days


# ---------------------------------------------------------------- the calibration / holdout split


def holdout_split(
    orders: pd.DataFrame,
    calibration_end: str = "",
    holdout_days: int = 90,
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(calibration end, observation end) days: `calibration_end`, or `holdout_days` before the last order day.

    A `holdout_days` longer than the history is shortened to its second half (the caller notes it); raises
    ParameterError when the calibration period or the holdout would be empty.
    """
    days = pd.to_datetime(orders["order_date"]).dt.normalize()
    first, last = days.min(), days.max()
    if calibration_end:
        try:
            end = pd.Timestamp(calibration_end).normalize()
        except ValueError:
            raise ParameterError(message("errors.rule.calibration_date", value=repr(calibration_end))) from None
        name, value = "calibration_end", calibration_end
    else:
        end, name, value = last - pd.Timedelta(days=holdout_days), "holdout_days", holdout_days
        if end < first:  # a holdout as long as the history: keep the first half to learn from instead
            end = first + (last - first) / 2
            end = end.normalize()
    if not first <= end < last:
        raise ParameterError(
            message(
                "errors.rule.calibration_window",
                name=name,
                value=repr(value),
                first=f"{first:%Y-%m-%d}",
                last=f"{last:%Y-%m-%d}",
            )
        )
    return end, last


# ---------------------------------------------------------------- per-customer model inputs


def purchase_days(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and day with orders, sorted by customer and day: the day and the amount spent that day.

    Grouped on integer customer codes (sorted like the ids) rather than on the id text: at a million orders,
    sorting text ids is most of the cost.
    """
    codes, ids = customer_codes(orders["customer_id"])
    frame = pd.DataFrame(
        {
            "code": codes,
            "day": pd.to_datetime(orders["order_date"]).dt.normalize().to_numpy(),
            "amount": orders["amount"].to_numpy(dtype=float),
        }
    )
    days = frame.groupby(["code", "day"], sort=True, as_index=False)["amount"].sum()
    return pd.DataFrame(
        {"customer_id": ids[days["code"].to_numpy()], "day": days["day"].to_numpy(), "amount": days["amount"]}
    )


def _day_numbers(days: pd.Series) -> np.ndarray:
    """Whole days since 1970-01-01 of each (normalised) day."""
    return days.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def _customer_histories(days: pd.DataFrame, end: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frequency, recency and T (days) at `end` per customer with a purchase day on or before it, sorted by id.

    Also returns the purchase days kept, each with `code` (the row of the result it belongs to) and `first`
    (whether it is its customer's first purchase day).
    Purchase days are distinct per customer (as `purchase_days` makes them): frequency = purchase days − 1,
    recency = last − first purchase day, T = `end` − first purchase day, as lifetimes'
    `summary_data_from_transaction_data` computes them in days, without its per-row period conversions.
    """
    end_day = np.datetime64(pd.Timestamp(end).normalize().to_datetime64(), "D").astype(np.int64)
    number = _day_numbers(days["day"])
    kept = number <= end_day
    codes, ids = pd.factorize(days["customer_id"].to_numpy()[kept], sort=True)
    number = number[kept]
    spans = pd.DataFrame({"code": codes, "day": number}).groupby("code", sort=True)["day"].agg(["min", "max", "size"])
    frame = pd.DataFrame(
        {
            "frequency": spans["size"].to_numpy() - 1,
            "recency": (spans["max"] - spans["min"]).to_numpy(dtype=float),
            "T": (end_day - spans["min"]).to_numpy(dtype=float),
        },
        index=pd.Index(ids, name="customer_id"),
    )
    first = number == spans["min"].to_numpy()[codes]
    return frame, days[kept].assign(code=codes, first=first)


def model_inputs(days: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Per customer whose first purchase day is on or before `end`: frequency, recency, T and monetary value.

    The inputs of lifetimes' `summary_data_from_transaction_data` in days (tested against it). Monetary value is
    the mean spend of the repeat purchase days (the first purchase excluded, as in Fader & Hardie); NaN, not
    lifetimes' 0, for customers with no repeat purchase, so that no average reads a missing figure as ¥0.
    """
    frame, kept = _customer_histories(days, end)
    repeat = kept["amount"].astype(float).where(~kept["first"].to_numpy())
    frame["monetary_value"] = repeat.groupby(kept["code"].to_numpy(), sort=True).mean().to_numpy()
    return frame


def calibration_holdout(
    days: pd.DataFrame,
    calibration_end: pd.Timestamp,
    observation_end: pd.Timestamp,
) -> pd.DataFrame:
    """Model inputs at `calibration_end` plus the repeat purchase days each customer made in the holdout.

    The columns of lifetimes' `calibration_and_holdout_data` (tested against it), named like the model inputs:
    frequency, recency, T, frequency_holdout (purchase days after `calibration_end` up to `observation_end`)
    and duration_holdout (days). Computed on day numbers: lifetimes converts every holdout row to a period and
    counts each customer's days with a Python function, minutes at a million orders.
    """
    start, end = pd.Timestamp(calibration_end).normalize(), pd.Timestamp(observation_end).normalize()
    frame, _ = _customer_histories(days, start)
    later = (days["day"] > start) & (days["day"] <= end)
    counts = days.loc[later, ["customer_id", "day"]].drop_duplicates()["customer_id"].value_counts()
    frame["frequency_holdout"] = counts.reindex(frame.index, fill_value=0).to_numpy(dtype=int)
    frame["duration_holdout"] = float((end - start).days)
    return frame


# ---------------------------------------------------------------- fitting, quietly and robustly


@dataclass
class Fit:
    """A fitted lifetimes model (or None when it did not converge), its parameters and what happened."""

    model: object | None
    params: dict[str, float]
    notes: list[str] = field(default_factory=list)

    @property
    def converged(self) -> bool:
        """True when the model has parameters to predict with."""
        return self.model is not None


def _lifetimes():
    """The lifetimes package, imported on the first fit: importing it costs ≈1.2 s, which every `casebook`
    command (they all load the workbook registry) would otherwise pay before doing anything."""
    with warnings.catch_warnings():  # lifetimes calls warnings.simplefilter("ignore", FutureWarning) on import
        import lifetimes  # lazy: ≈1.2 s of start-up; only a fit needs it
        import lifetimes.utils  # lazy: as above
    return lifetimes


def _fit_quietly(model_name: str, arrays: tuple[np.ndarray, ...], names: tuple[str, ...], label: str, **kwargs) -> Fit:
    """Fit lifetimes' `model_name` with each penalizer in turn until one converges; warnings and printed output
    become notes."""
    lifetimes = _lifetimes()
    make, not_converged = getattr(lifetimes, model_name), lifetimes.utils.ConvergenceError
    notes: list[str] = []
    for penalizer in PENALIZERS:
        model = make(penalizer_coef=penalizer)
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("always")
            try:
                model.fit(*arrays, **kwargs)
            except (not_converged, np.linalg.LinAlgError, ValueError) as error:
                reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                notes.append(message("ltv.not_fitted", model=label, penalizer=f"{penalizer:g}", error=reason))
                continue
        found = sorted(
            {_explain(str(w.message)) for w in caught if not issubclass(w.category, FutureWarning | DeprecationWarning)}
        )
        notes += [message("ltv.warning", model=label, penalizer=f"{penalizer:g}", text=text) for text in found]
        if penalizer:
            notes.append(message("ltv.penalized", model=label, penalizer=f"{penalizer:g}"))
        return Fit(model, {n: float(model.params_[n]) for n in names}, notes)
    return Fit(None, dict.fromkeys(names, float("nan")), notes)


def _explain(warning: str) -> str:
    """A numerical warning from a fit in words a reader can act on (the raw text when it is not a known one)."""
    if "sqrt" in warning:
        return message("ltv.no_standard_errors")
    if "overflow" in warning or "divide by zero" in warning:
        return message("ltv.overflow", error=warning)
    return warning


def fit_bgnbd(frequency: np.ndarray, recency: np.ndarray, T: np.ndarray) -> Fit:
    """BG/NBD parameters r, alpha, a, b from per-customer frequency, recency and T (in days).

    Customers with the same (frequency, recency, T) are fitted once with a weight, which keeps large bases fast.
    """
    patterns = (
        pd.DataFrame(
            {
                "f": np.asarray(frequency, dtype=int),
                "r": np.asarray(recency, dtype=float),
                "t": np.asarray(T, dtype=float),
            }
        )
        .value_counts(sort=False)
        .reset_index()
    )
    arrays = (patterns["f"].to_numpy(), patterns["r"].to_numpy(), patterns["t"].to_numpy())
    weights = patterns["count"].to_numpy()
    return _fit_quietly("BetaGeoFitter", arrays, ("r", "alpha", "a", "b"), "BG/NBD", weights=weights)


def fit_gamma_gamma(frequency: np.ndarray, monetary_value: np.ndarray) -> Fit:
    """Gamma-Gamma parameters p, q, v from repeat customers' frequency and mean repeat spend (others ignored)."""
    frequency, monetary_value = np.asarray(frequency, dtype=float), np.asarray(monetary_value, dtype=float)
    usable = (frequency > 0) & np.isfinite(monetary_value) & (monetary_value > 0)
    if usable.sum() < 10:
        return Fit(
            None,
            dict.fromkeys(("p", "q", "v"), float("nan")),
            [message("ltv.too_few_repeat", needed=10, found=int(usable.sum()))],
        )
    arrays = (frequency[usable], monetary_value[usable])
    return _fit_quietly("GammaGammaFitter", arrays, ("p", "q", "v"), "Gamma-Gamma", q_constraint=True)


# ---------------------------------------------------------------- predictions (numpy arrays only)


def _quiet(function, *arrays: np.ndarray) -> np.ndarray:
    """Call a lifetimes prediction with numpy arrays; overflow in extreme histories gives NaN, not a warning."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(function(*(np.asarray(a, dtype=float) for a in arrays)), dtype=float)


def expected_purchases(fit: Fit, t: float | np.ndarray, frame: pd.DataFrame) -> np.ndarray:
    """Expected repeat purchase days in the next `t` days for each customer of `frame` (NaN without a model)."""
    if not fit.converged:
        return np.full(len(frame), np.nan)
    t = np.broadcast_to(np.asarray(t, dtype=float), (len(frame),))
    return _quiet(
        fit.model.conditional_expected_number_of_purchases_up_to_time,
        t,
        frame["frequency"],
        frame["recency"],
        frame["T"],
    )


def probability_alive(fit: Fit, frame: pd.DataFrame) -> np.ndarray:
    """Probability that each customer is still 'alive' (has not silently churned), from BG/NBD."""
    if not fit.converged:
        return np.full(len(frame), np.nan)
    return _quiet(fit.model.conditional_probability_alive, frame["frequency"], frame["recency"], frame["T"])


def expected_spend(fit: Fit, frame: pd.DataFrame) -> np.ndarray:
    """Expected spend per future purchase day: each customer's mean shrunk towards the base mean (Gamma-Gamma)."""
    if not fit.converged:
        return np.full(len(frame), np.nan)
    monetary = frame["monetary_value"].fillna(0.0).to_numpy(dtype=float)
    return _quiet(fit.model.conditional_expected_average_profit, frame["frequency"], monetary)


# ---------------------------------------------------------------- the holdout check and the value of the base


def holdout_check(fit: Fit, frame: pd.DataFrame, groups: int = FREQUENCY_GROUPS) -> pd.DataFrame:
    """Predicted vs actual repeat purchase days in the holdout, by calibration frequency (0, 1, …, 'N+')."""
    predicted = expected_purchases(fit, frame["duration_holdout"].to_numpy(), frame)
    capped = np.minimum(frame["frequency"].to_numpy(), groups)
    labels = np.where(capped >= groups, f"{groups}+", capped.astype(str))
    table = (
        pd.DataFrame(
            {
                "group": labels,
                "order": capped,
                "actual": frame["frequency_holdout"].to_numpy(dtype=float),
                "predicted": predicted,
            }
        )
        .groupby(["order", "group"])
        .agg(customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
    )
    return table.reset_index(level="order", drop=True).reset_index()


def customer_values(
    fit_purchases: Fit,
    fit_spend: Fit,
    frame: pd.DataFrame,
    horizon_days: int = HORIZON_DAYS,
) -> pd.DataFrame:
    """Per customer: probability alive, expected purchase days, spend per purchase and value over `horizon_days`.

    The value is expected revenue (not discounted, not margin): expected purchases × expected spend.
    """
    purchases = expected_purchases(fit_purchases, float(horizon_days), frame)
    spend = expected_spend(fit_spend, frame)
    return pd.DataFrame(
        {
            "p_alive": probability_alive(fit_purchases, frame),
            "expected_purchases": purchases,
            "expected_spend": spend,
            "expected_value": purchases * spend,
        },
        index=frame.index,
    )


@dataclass
class LtvResult:
    """Everything the workbook shows about lifetime value, computed once."""

    calibration_end: pd.Timestamp
    observation_end: pd.Timestamp
    calibration: pd.DataFrame
    """Per calibration customer: the model inputs at `calibration_end` and the holdout purchase days."""
    holdout: pd.DataFrame
    holdout_fit: Fit
    fit_purchases: Fit
    fit_spend: Fit
    values: pd.DataFrame
    notes: list[str]

    @property
    def holdout_predicted(self) -> float:
        """Repeat purchase days the calibration model predicted for the holdout, summed over customers."""
        return float((self.holdout["predicted"] * self.holdout["customers"]).sum(min_count=1))

    @property
    def spend_frequency_correlation(self) -> float:
        """Pearson correlation of repeat purchase days and mean spend per purchase among repeat customers.

        Gamma-Gamma assumes the two are independent (a correlation near 0); NaN with fewer than 3 repeat
        customers or no variation.
        """
        repeat = self.values[self.values["frequency"] > 0]
        if len(repeat) < 3 or repeat["frequency"].nunique() < 2 or repeat["monetary_value"].nunique() < 2:
            return float("nan")
        return float(np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1])

    @property
    def holdout_actual(self) -> float:
        """Repeat purchase days actually made in the holdout by the calibration customers."""
        return float((self.holdout["actual"] * self.holdout["customers"]).sum())


def lifetime_value(
    orders: pd.DataFrame, calibration_end: str = "", holdout_days: int = 90, horizon_days: int = HORIZON_DAYS
) -> LtvResult:
    """Validate BG/NBD on a holdout, then refit on all data and value every customer over `horizon_days`."""
    cal_end, obs_end = holdout_split(orders, calibration_end, holdout_days)
    shortened = (
        []
        if calibration_end or (obs_end - cal_end).days == holdout_days
        else [message("ltv.holdout_shortened", days=holdout_days, used=(obs_end - cal_end).days)]
    )
    days = purchase_days(orders)
    calibration = calibration_holdout(days, cal_end, obs_end)
    holdout_fit = fit_bgnbd(calibration["frequency"], calibration["recency"], calibration["T"])
    full = model_inputs(days, obs_end)
    fit_purchases = fit_bgnbd(full["frequency"], full["recency"], full["T"])
    fit_spend = fit_gamma_gamma(full["frequency"], full["monetary_value"])
    values = full.join(customer_values(fit_purchases, fit_spend, full, horizon_days))
    holdout_notes = [message("ltv.holdout", note=note) for note in holdout_fit.notes]
    notes = shortened + holdout_notes + fit_purchases.notes + fit_spend.notes
    return LtvResult(
        cal_end,
        obs_end,
        calibration,
        holdout_check(holdout_fit, calibration),
        holdout_fit,
        fit_purchases,
        fit_spend,
        values,
        notes,
    )
