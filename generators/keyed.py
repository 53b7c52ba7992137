"""Keyed random numbers: a uniform for each (stream, key, index…) position, the same whatever else is drawn.

A sequential stream hands out its numbers in the order they are asked for, so two simulations that differ by
one lever drift apart as soon as one of them draws a number more. Here a number is a pure function of where
it is used (for example: this buyer, this month, their k-th purchase), computed by hashing the position with
the SplitMix64 finaliser (Steele, Lea & Flood 2014, the output function of java.util.SplittableRandom and the
usual seeder of the xoshiro generators). Two runs that differ only by a lever therefore use the same
numbers for the same buyer and purchase: common random numbers, so that only the lever differs.

Draws from other distributions come from these uniforms by inverting their distribution function, which is
monotone in the parameters: a small change of a Poisson mean changes few counts, where a fresh draw would
change most of them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import special

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every output bit depends on every input bit (uint64 arithmetic wraps)."""
    z = z + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX_1
    z = (z ^ (z >> np.uint64(27))) * _MIX_2
    return z ^ (z >> np.uint64(31))


def stream(seed: int, name: str) -> np.uint64:
    """The key of a named stream of a seed, e.g. `stream(42, "purchases")`."""
    base = np.array([(int(seed) & 0xFFFFFFFF) << 32 | zlib.crc32(name.encode("utf-8"))], dtype=np.uint64)
    return _mix(base)[0]


def key(parent: np.ndarray | np.uint64 | int, *index: np.ndarray | int) -> np.ndarray:
    """The key of position `index…` under `parent` (broadcast): a key per row, to draw from or to key below."""
    z = np.asarray(parent, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in index:
            z = _mix(z ^ (np.asarray(i).astype(np.uint64) * _MIX_1))
    return z


def uniform(parent: np.ndarray | np.uint64, *index: np.ndarray | int) -> np.ndarray:
    """A uniform in [0, 1) for each position `index…` under `parent` (broadcast)."""
    return (key(parent, *index) >> np.uint64(11)).astype(float) * _TO_UNIT


def poisson(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Poisson counts by inverting the distribution function at `u` (the smallest k with F(k) > u)."""
    u, mean = (a.ravel() for a in np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(mean, dtype=float)))
    limit = mean + 12 * np.sqrt(mean) + 30  # beyond this only rounding keeps F(k) ≤ u
    return _invert(u, np.exp(-mean), limit, (mean,), lambda mean, k: mean / k, given=(mean,))


def binomial(u: np.ndarray, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    """Binomial counts of `n` trials with success chance `p` by inverting the distribution function at `u`."""
    arrays = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(n, dtype=np.int64), np.asarray(p, float))
    u, n, p = (a.ravel() for a in arrays)
    out = np.zeros(len(u), dtype=np.int64)
    rows = np.flatnonzero((n > 0) & (p > 0))  # no trial or no chance: no success (most teams' signups, say)
    u, n, p = u[rows], n[rows], p[rows]
    certain = p >= 1
    q = np.where(certain, 0.5, p)  # certain successes are set at the end; avoid dividing by zero here
    odds = q / (1 - q)
    k = _invert(u, (1 - q) ** n, n, (n, odds), lambda n, odds, k: (n - (k - 1)) / k * odds, given=(n, p))
    out[rows] = np.where(certain, n, k)
    return out.reshape(arrays[0].shape)


def _invert(
    u: np.ndarray,
    pmf: np.ndarray,
    bound: np.ndarray,
    parameters: tuple[np.ndarray, ...],
    ratio: Callable[..., np.ndarray],
    given: tuple[np.ndarray, ...],
) -> np.ndarray:
    """The smallest k with F(k) > u, or the first k ≥ `bound`, for a count whose probabilities follow
    pmf(k) = pmf(k − 1) · ratio(*parameters, k), starting from pmf(0) = `pmf`; `pmf`, `bound` and `parameters`
    are computed element by element from the arrays `given` (a mean; trials and chance), so rows equal in
    `given` share one distribution.

    The terms are summed in the order a plain loop over k would (pmf(k) = pmf(k − 1) · ratio, F(k) = F(k − 1) +
    pmf(k), each one IEEE operation), so the counts are exactly the loop's whichever way they are found: from
    a table of F(k) per distribution when the rows share a few (the contacts of five city tiers, the people a
    share reached), else by stepping through k for all rows at once."""
    groups = _distributions(given, len(u))
    if groups is None or not (len(u) and u.min() >= 0 and u.max() < 1):
        return _invert_stepwise(u, pmf, bound, parameters, ratio)
    return _invert_by_table(u, pmf, bound, parameters, ratio, *groups)


_ROWS_PER_TABLE = 16  # rows per distinct distribution from which one table of F(k) each is the quicker way
_SAMPLE = 4096  # values looked at first to tell a parameter with many distinct values


def _distributions(given: tuple[np.ndarray, ...], rows: int) -> tuple[np.ndarray, int] | None:
    """Each row's distribution as a code from 0 to m − 1 (rows equal in every array of `given`, equal codes),
    and m; None when there are more than one distribution per `_ROWS_PER_TABLE` rows."""
    most = rows // _ROWS_PER_TABLE
    codes, size = np.zeros(rows, dtype=np.int64), 1
    for values in given:
        found = _codes(values, most // size)
        if found is None:
            return None
        code, distinct = found
        codes, size = codes * distinct + code, size * distinct
    return codes, size


def _codes(values: np.ndarray, most: int) -> tuple[np.ndarray, int] | None:
    """Codes 0…m−1 of `values` (equal values, equal codes) and m, or None if there are more than `most`
    distinct values. Whole numbers in a short range are their own codes; others are numbered by a hash table
    (`pandas.factorize`: no sort)."""
    if most < 1:
        return None
    low, high = values.min(), values.max()
    if low == high:
        return np.zeros(len(values), dtype=np.int64), 1
    if high - low < most:
        whole = values.astype(np.int64)
        if np.array_equal(whole, values):
            return whole - int(low), int(high - low) + 1
    if len(np.unique(values[:_SAMPLE])) > most:
        return None
    code, distinct = pd.factorize(values)
    return (code.astype(np.int64, copy=False), len(distinct)) if len(distinct) <= most else None


_PARTS = (64, 4096)  # the fewest and most parts of [0, 1) per distribution in the lookup table of `_invert_by_table`


def _invert_by_table(
    u: np.ndarray,
    pmf: np.ndarray,
    bound: np.ndarray,
    parameters: tuple[np.ndarray, ...],
    ratio: Callable[..., np.ndarray],
    codes: np.ndarray,
    size: int,
) -> np.ndarray:
    """`_invert` for rows of `size` distributions (each row's in `codes`), u in [0, 1): F(0), F(1), … of each
    distribution up to the first k with F(k) above the largest u (or k ≥ its bound), then each row's count,
    the number of F(k) ≤ u, capped at that last k.

    Going on past the largest u of a distribution's own rows changes no count (F only grows), so all tables
    stop at the same u, and the rows need no sorting by distribution. The counts come from a lookup table,
    as in `generators.common.Intervals`: [0, 1) is cut into equal parts, and for each distribution and part
    the table holds the count of every u in it; only the u in a part that holds an F(k) are compared with it."""
    first = np.zeros(size, dtype=np.int64)
    first[codes] = np.arange(len(codes))  # a row of each distribution (any: equal rows, equal parameters)
    top = u.max()
    term, bound = pmf[first], bound[first]
    parameters = tuple(p[first] for p in parameters)
    totals = [term.copy()]
    last = np.zeros(size, dtype=np.int64)  # the k at which each distribution's F ends
    open_ = (top >= term) & (bound > 0)
    k = 0
    while open_.any():
        k += 1
        term = term * ratio(*parameters, k)
        totals.append(totals[-1] + term)
        still = open_ & (top >= totals[-1]) & (k < bound)
        last[open_ & ~still] = k
        open_ = still
    table = np.vstack(totals).T.copy()  # a row of F(0…) per distribution
    steps = table.shape[1]
    inside = np.arange(steps) <= last[:, None]
    parts = min(max(1 << max(len(u) // size, 1).bit_length() - 1, _PARTS[0]), _PARTS[1])
    cells = np.nonzero(inside)[0] * (parts + 1)  # each F(k)'s first cell: its distribution's, as `table[inside]`
    scaled = table[inside] * parts  # exact: parts is a power of two
    # Per distribution and part b: how many F(k) ≤ b / parts (ceil(F · parts) ≤ b), and how many F(k) < (b + 1) /
    # parts (floor(F · parts) ≤ b); the counts of a part without an F(k) inside are equal.
    at_most, below = (
        np.bincount(cells + np.minimum(rounded(scaled), parts).astype(np.int64), minlength=size * (parts + 1))
        .reshape(size, parts + 1)
        .cumsum(axis=1)[:, :parts]
        .ravel()
        for rounded in (np.ceil, np.floor)
    )
    cell = codes * parts + (u * parts).astype(np.int64)
    count = at_most[cell]
    near = np.flatnonzero(below[cell] > count)  # parts with F(k) inside: compare u with each of them
    start, inside_part = codes[near] * steps + count[near], below[cell[near]] - count[near]
    flat, step = table.ravel(), 0
    while len(near):
        count[near] += flat[start + step] <= u[near]
        step += 1
        keep = inside_part > step
        near, start, inside_part = near[keep], start[keep], inside_part[keep]
    return np.minimum(count, last[codes])


_FEW = 2000  # open counts below which whole blocks of terms are computed (above: one term a pass costs less)
_BLOCK = 1 << 22  # terms computed at once (rows × steps): bounds the memory of a block at ≈32 MB an array
_PACK = 0.7  # the share of open counts below which the open ones are packed again


def _invert_stepwise(
    u: np.ndarray,
    pmf: np.ndarray,
    bound: np.ndarray,
    parameters: tuple[np.ndarray, ...],
    ratio: Callable[..., np.ndarray],
) -> np.ndarray:
    """`_invert` for rows of many distributions. While many counts are open, a pass adds one term to each (all
    open counts then stand at the same k), on packed copies of the open counts' values, packed again once a
    good share of them has closed (closed counts carry on unread until then: cheaper than packing every pass);
    the last few open counts (large means) get a block of terms a pass, the block doubling while they stay open
    (`np.multiply.accumulate` and `np.add.accumulate` along the block are such loops): a mean of 400 takes a
    dozen passes instead of 450."""
    count = np.zeros(len(u), dtype=np.int64)
    rows = np.flatnonzero((u >= pmf) & (bound > 0))
    u, term, total, bound = u[rows], pmf[rows], pmf[rows].copy(), bound[rows]
    parameters = tuple(p[rows] for p in parameters)
    open_ = np.ones(len(rows), dtype=bool)
    k = 0
    while len(rows) > _FEW:
        k += 1
        term *= ratio(*parameters, k)
        total += term
        still = open_ & (u >= total) & (k < bound)
        count[rows[open_ & ~still]] = k
        open_ = still
        if np.count_nonzero(open_) < _PACK * len(rows):
            rows, u, term, total, bound = rows[open_], u[open_], term[open_], total[open_], bound[open_]
            parameters = tuple(p[open_] for p in parameters)
            open_ = np.ones(len(rows), dtype=bool)
    rows, u, term, total, bound = rows[open_], u[open_], term[open_], total[open_], bound[open_]
    parameters = tuple(p[open_] for p in parameters)
    steps = 2
    while len(rows):
        ks = k + np.arange(1, steps + 1)[:, None]  # a row of k per step, a column per open count
        terms = np.vstack([term, ratio(*parameters, ks)])
        np.multiply.accumulate(terms, axis=0, out=terms)
        totals = np.vstack([total, terms[1:]])
        np.add.accumulate(totals, axis=0, out=totals)
        done = (u < totals[1:]) | (ks >= bound)
        finished = done.any(axis=0)
        count[rows[finished]] = k + done.argmax(axis=0)[finished] + 1
        k += steps
        open_ = ~finished
        rows, u, term, total, bound = rows[open_], u[open_], terms[-1, open_], totals[-1, open_], bound[open_]
        parameters = tuple(p[open_] for p in parameters)
        steps = min(2 * steps, _BLOCK // max(len(rows), 1))
    return count


def exponential(u: np.ndarray, mean: float | np.ndarray) -> np.ndarray:
    """Exponential waits with `mean`."""
    return -np.log1p(-np.asarray(u)) * mean


def lognormal(u: np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """Lognormal factors with median 1 and log-spread `sigma`."""
    return np.exp(sigma * special.ndtri(np.clip(u, 1e-12, 1 - 1e-12)))


def gamma(u: np.ndarray, shape: float, scale: float) -> np.ndarray:
    """Gamma variates of `shape` and `scale`."""
    return special.gammaincinv(shape, u) * scale


def beta22(u: np.ndarray) -> np.ndarray:
    """Beta(2, 2) variates in closed form: F(x) = 3x² − 2x³ is a cubic, solved by its trigonometric root (exact
    to rounding, and far faster than the general `betaincinv`)."""
    return 0.5 + np.cos((np.arccos(1 - 2 * np.asarray(u)) - 2 * np.pi) / 3)


def choice(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index drawn with probability ∝ `weights` (one row of weights for all, or a row per draw)."""
    cumulative = np.cumsum(weights, axis=-1)
    cumulative = cumulative / cumulative[..., -1:]
    if cumulative.ndim == 1:
        return np.minimum(np.searchsorted(cumulative, u, side="right"), len(cumulative) - 1)
    return np.minimum((u[:, None] >= cumulative).sum(axis=1), cumulative.shape[1] - 1)
