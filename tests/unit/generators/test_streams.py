"""`UniformRows` must give exactly what `rng.random((rows, n))` gives, and leave the generator where it would."""

import numpy as np
import pytest

from generators.common import Seeds
from generators.streams import UniformRows


@pytest.mark.parametrize("n", [1, 2, 37, 5_000])
def test_sparse_rows_equal_the_full_draw_and_later_draws_are_unchanged(n):
    fast, reference = Seeds(11)("days"), Seeds(11)("days")
    fast.random(3), reference.random(3)  # start mid-stream
    rows = UniformRows(fast, n)
    picks = np.random.default_rng(0)
    for _ in range(3):
        dense, sparse = rows.draw(9, dense=2)
        full = reference.random((9, n))
        np.testing.assert_array_equal(dense, full[:2])
        index = np.unique(picks.integers(0, n, min(n, 200)))
        for row in range(2, 9):
            np.testing.assert_array_equal(sparse(row, index), full[row, index])
        np.testing.assert_array_equal(sparse([8, 2, 5], index), full[[8, 2, 5]][:, index])
        # Other distributions drawn after the block see the same stream.
        np.testing.assert_array_equal(fast.gamma(6.0, 1.0, 4), reference.gamma(6.0, 1.0, 4))


def test_dense_rows_cannot_be_read_sparsely_and_other_generators_are_refused():
    _, sparse = UniformRows(Seeds(1)("x"), 10).draw(3, dense=1)
    with pytest.raises(IndexError, match="row 0"):
        sparse(0, [1])
    with pytest.raises(TypeError, match="PCG64"):
        UniformRows(np.random.Generator(np.random.MT19937(1)), 10)
