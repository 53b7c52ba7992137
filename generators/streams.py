"""Uniform draws of a PCG64 stream read at chosen positions, without drawing everything in between.

A day of a simulation may draw `rng.random((rows, n))` for every customer while only a few buyers use most
rows. The committed data depend on those exact numbers, so the draws cannot be skipped, but they need not
be *computed*: PCG64 (numpy's default bit generator) is a 128-bit linear congruential generator, so its
state j steps ahead is `A_j · state + C_j (mod 2^128)` and the j-th double follows from that state alone.
`UniformRows` draws the rows that are needed in full with the generator itself, computes the others only at
the requested indices from precomputed jump coefficients, and leaves the generator exactly where
`rng.random((rows, n))` would have left it, so every later draw is unchanged.

The arithmetic follows numpy's PCG64 (pcg64.h): step `state = state · MULTIPLIER + inc`, then output
XSL-RR `rotr64(high ^ low, high >> 58)`, and a double is `(output >> 11) · 2^-53` (`next_double`).
"""

from __future__ import annotations

import numpy as np

MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # PCG_DEFAULT_MULTIPLIER_128
_MASK64 = (1 << 64) - 1
_MASK128 = (1 << 128) - 1
_LOW32 = np.uint64(0xFFFFFFFF)
_U = np.uint64


def _halves(value: int) -> tuple[np.uint64, np.uint64]:
    return _U(value >> 64), _U(value & _MASK64)


def _mul64(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Full 128-bit product of uint64 arrays as (high, low) words, from 32-bit halves."""
    a0, a1, b0, b1 = a & _LOW32, a >> _U(32), b & _LOW32, b >> _U(32)
    p00, p01, p10 = a0 * b0, a0 * b1, a1 * b0
    mid = (p00 >> _U(32)) + (p01 & _LOW32) + (p10 & _LOW32)
    low = (p00 & _LOW32) | (mid << _U(32))
    high = a1 * b1 + (p01 >> _U(32)) + (p10 >> _U(32)) + (mid >> _U(32))
    return high, low


def _mul_add(a: tuple, b: tuple, c: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(a · b + c) mod 2^128 on (high, low) uint64 words, element-wise."""
    high, low = _mul64(a[1], b[1])
    high = high + a[1] * b[0] + a[0] * b[1]
    total = low + c[1]
    return high + c[0] + (total < low).astype(np.uint64), total


def _doubles(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """The doubles numpy's PCG64 returns from these (already stepped) states."""
    rotation = high >> _U(58)
    mixed = high ^ low
    rotated = (mixed >> rotation) | (mixed << ((_U(64) - rotation) & _U(63)))
    rotated = np.where(rotation == 0, mixed, rotated)
    return (rotated >> _U(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


class UniformRows:
    """`rng.random((rows, n))` drawn block by block, dense rows in full and the others only where asked.

    Usage per block: `dense, sparse = rows.draw(9, dense=1)`; `dense[0]` is the first row; `sparse(r, index)`
    is row r at `index` (r ≥ 1). After `draw` the generator is where the full draw would have left it.
    """

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        state = rng.bit_generator.state
        if state["bit_generator"] != "PCG64":
            raise TypeError(f"UniformRows needs a PCG64 generator, got {state['bit_generator']}")
        self.rng, self.n = rng, n
        self._inc = state["state"]["inc"]
        # Jump coefficients for 1…n steps: state_j = A_j · state + C_j, built by doubling the covered range.
        a_high, a_low = (np.array([w]) for w in _halves(MULTIPLIER))
        c_high, c_low = (np.array([w]) for w in _halves(self._inc))
        while len(a_low) < n:
            m = len(a_low) - 1
            a_m, c_m = (a_high[m], a_low[m]), (c_high[m], c_low[m])
            step_a = _mul_add((a_high, a_low), a_m, (_U(0), _U(0)))
            step_c = _mul_add((a_high, a_low), c_m, (c_high, c_low))
            a_high, a_low = np.concatenate([a_high, step_a[0]]), np.concatenate([a_low, step_a[1]])
            c_high, c_low = np.concatenate([c_high, step_c[0]]), np.concatenate([c_low, step_c[1]])
        self._a = (a_high[:n], a_low[:n])
        self._c = (c_high[:n], c_low[:n])
        self._a_n = (int(self._a[0][-1]) << 64 | int(self._a[1][-1])) if n else 1
        self._c_n = (int(self._c[0][-1]) << 64 | int(self._c[1][-1])) if n else 0

    def _jump_rows(self, state: int, rows: int) -> int:
        """The state `rows` whole rows (rows · n draws) after `state`."""
        for _ in range(rows):
            state = (self._a_n * state + self._c_n) & _MASK128
        return state

    def draw(self, rows: int, dense: int = 1):
        """Draw a (rows, n) block: the first `dense` rows in full, the others through the returned function."""
        bit_generator = self.rng.bit_generator
        start = bit_generator.state["state"]["state"]
        full = self.rng.random((dense, self.n))
        row_states = [self._jump_rows(start, r) for r in range(rows + 1)]
        saved = bit_generator.state
        saved["state"]["state"] = row_states[rows]
        bit_generator.state = saved

        def sparse(row: int | list[int], index: np.ndarray) -> np.ndarray:
            """Row `row` at `index`; for a list of rows, a (rows, len(index)) array computed in one pass."""
            wanted = np.atleast_1d(row)
            if wanted.min() < dense or wanted.max() >= rows:
                raise IndexError(f"row {row} is not a sparse row of this block (rows {dense}…{rows - 1})")
            index = np.asarray(index, dtype=np.int64)
            coefficient_a = (self._a[0][index], self._a[1][index])
            coefficient_c = (self._c[0][index], self._c[1][index])
            starts = [row_states[r] for r in wanted]
            base = (
                np.array([s >> 64 for s in starts], dtype=np.uint64)[:, None],
                np.array([s & _MASK64 for s in starts], dtype=np.uint64)[:, None],
            )
            values = _doubles(*_mul_add(coefficient_a, base, coefficient_c))
            return values if np.ndim(row) else values[0]

        return full, sparse
