"""Batch runs on a Dask distributed cluster: `casebook batch FILE --scheduler ADDRESS|local`.

Each run is one task calling the batch's `execute_run` on a worker: the worker executes the workbooks in a
temporary folder of its own and returns the executed notebooks, HTML reports and metrics as bytes, which the
machine that started the batch writes into the output folder. Workers therefore need the project installed
(the same requirements.txt) but no disk shared with the client. `local` starts a LocalCluster of worker
processes on this machine, for trying it out and for tests. Tasks are impure (`pure=False`): a re-run executes
again instead of reusing a cached result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from helpers.app.runner import absolute_paths


@contextlib.contextmanager
def _client(scheduler: str, workers: int) -> Iterator[object]:
    """A client on the scheduler at `scheduler`, or on a new local cluster of `workers` processes."""
    from distributed import Client, LocalCluster  # lazy: dask takes seconds to import; only --scheduler needs it

    if scheduler != "local":
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def outputs_on_dask(
    execute_run: Callable[..., Any], runs: Sequence[Any], timeout: int, scheduler: str, workers: int
) -> Iterator[Any]:
    """Submit `execute_run(run, parameters, timeout)` for every run to the cluster; yield each output as it comes.

    The batch passes its own `execute_run` (and its `Run` objects), so this module needs nothing from the batch.
    """
    from distributed import as_completed  # lazy: see above

    with _client(scheduler, workers) as client:
        futures = [client.submit(execute_run, run, absolute_paths(run.parameters), timeout, pure=False) for run in runs]
        for future in as_completed(futures):
            yield future.result()
