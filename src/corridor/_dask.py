"""Dask execution of sweeps and Monte Carlo studies (optional: ``pip install corridor[dask]``).

Everything Dask-specific lives here, behind :func:`cluster`; the rest of the package
only calls :func:`sweep_frame`, :func:`sweep_parquet` and :func:`map_tasks`.

A sweep is partitioned twice:

1. **by pair**: one task per origin-destination pair walks the closure lattice
   (:func:`corridor._sweep.resolve_pair`) and keeps one route index per closure set;
2. **by combination range**: one task per range of closure sets (in the sweep's row
   order) and pair slices those indices (where the pair's result lives), and one task
   per range builds its rows and returns them or writes ``part-NNNNN.parquet``.

So a 2^24 sweep spreads over as many workers as it has ranges, and the client never
holds more than one partition. Workers load the shipped network themselves (a custom
network travels with the tasks).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor import _sweep
from corridor._errors import CorridorError, ScenarioError
from corridor.network import TransitNetwork, load_network

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from corridor.scenario import Scenario

#: Closure sets per range task.
RANGE = 1 << 16


class DaskUnavailableError(ScenarioError):
    """Dask was asked for but ``distributed`` is not installed (bad input: exit 2)."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        msg = (
            f"--dask needs the optional 'distributed' package: pip install 'corridor[dask]' ({exc})"
        )
        raise DaskUnavailableError(msg) from None
    return distributed


@contextlib.contextmanager
def cluster(address: str, *, workers: int | None = None) -> Iterator[Any]:
    """Yield a ``distributed.Client``: on a new LocalCluster (``"local"``) or on ``address``.

    Parameters
    ----------
    address
        ``"local"`` or a scheduler address such as ``"tcp://127.0.0.1:8786"``.
    workers
        Worker processes of a local cluster (default: one per core); an error for
        an existing cluster, whose size is its own.

    Yields
    ------
    distributed.Client
    """
    distributed = _distributed()
    if address != "local":
        if workers is not None:
            msg = "--workers applies to --dask local only; an existing cluster has its own workers"
            raise ScenarioError(msg)
        if "://" not in address:
            msg = (
                "--dask expects 'local' or a scheduler address like tcp://HOST:PORT, "
                f"got {address!r}"
            )
            raise ScenarioError(msg)
        try:
            client = distributed.Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            msg = f"cannot reach the Dask scheduler at {address}: {exc}"
            raise CorridorError(msg) from None
        with client:
            yield client
        return
    if workers is not None and workers < 1:
        msg = f"--workers must be at least 1, got {workers}"
        raise ScenarioError(msg)
    n = workers if workers is not None else max(1, os.cpu_count() or 1)
    with (
        distributed.LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: never a clash with a running cluster
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


# --------------------------------------------------------------------------- tasks


def _network(net: TransitNetwork | None) -> TransitNetwork:
    return net if net is not None else load_network()


def _shipped(net: TransitNetwork) -> TransitNetwork | None:
    """None when ``net`` is the shipped network (workers load their own copy)."""
    return None if net is load_network() else net


def _pair_task(
    net: TransitNetwork | None, base: Scenario, states: tuple[str, ...], index: int
) -> _sweep.PairColumns:
    prepared = _sweep.setup(base, states, _network(net), max_states=len(states))
    engine = prepared.engines()[index]
    return _sweep.PairColumns.of(_sweep.resolve_pair(engine, _sweep.Levels.of(len(states))))


def _routes_task(columns: _sweep.PairColumns) -> _sweep.PairColumns:
    """Return the pair's route columns without its (large) index array."""
    return _sweep.PairColumns(
        np.zeros(0, dtype=np.int32), columns.km, columns.hours, columns.corridor, columns.modes
    )


def _slice_task(columns: _sweep.PairColumns, n: int, start: int, stop: int) -> NDArray[np.int32]:
    sets = _sweep.Levels.of(n).order[start:stop]
    return columns.ids[sets]


def _range_task(
    net: TransitNetwork | None,
    base: Scenario,
    states: tuple[str, ...],
    table: _sweep.RouteTable,
    start: int,
    stop: int,
    out: str | None,
    *slices: NDArray[np.int32],
) -> pd.DataFrame | int:
    prepared = _sweep.setup(base, states, _network(net), max_states=len(states))
    sets = _sweep.Levels.of(len(states)).order[start:stop]
    part = _sweep.frame(prepared, (), sets, table, ids=np.stack(slices, axis=1))
    if out is None:
        return part
    part.to_parquet(out, index=False)
    return len(part)


def _submit(
    client: Any, prepared: _sweep.SweepSetup, out: Path | None, progress: _sweep.Progress | None
) -> list[Any]:
    distributed = _distributed()
    net = _shipped(prepared.net)
    states, n = prepared.states, len(prepared.states)
    pairs = [
        client.submit(_pair_task, net, prepared.base, states, i, pure=False)
        for i in range(len(prepared.pairs))
    ]
    columns = client.gather([client.submit(_routes_task, f, pure=False) for f in pairs])
    table = _sweep.RouteTable.of(columns)
    total = 1 << n
    ranges = [(s, min(s + RANGE, total)) for s in range(0, total, RANGE)]
    parts = []
    for j, (start, stop) in enumerate(ranges):
        slices = [client.submit(_slice_task, f, n, start, stop, pure=False) for f in pairs]
        target = None if out is None else str(out / f"part-{j:05d}.parquet")
        parts.append(
            client.submit(
                _range_task, net, prepared.base, states, table, start, stop, target, *slices,
                pure=False,
            )
        )  # fmt: skip
    if progress is not None:
        done = 0
        for future in distributed.as_completed(parts):
            j = parts.index(future)
            done += ranges[j][1] - ranges[j][0]
            progress(done, total)
    return parts


def sweep_frame(
    prepared: _sweep.SweepSetup,
    *,
    address: str,
    workers: int | None = None,
    progress: _sweep.Progress | None = None,
) -> pd.DataFrame:
    """Compute the sweep table on Dask (identical to the in-process one)."""
    with cluster(address, workers=workers) as client:
        parts: list[pd.DataFrame] = client.gather(_submit(client, prepared, None, progress))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def sweep_parquet(
    prepared: _sweep.SweepSetup,
    out: Path,
    *,
    address: str,
    workers: int | None = None,
    progress: _sweep.Progress | None = None,
) -> int:
    """Write the sweep as a folder of Parquet partitions, one per combination range."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.parquet"):
        old.unlink()
    with cluster(address, workers=workers) as client:
        rows = client.gather(_submit(client, prepared, out, progress))
    return int(sum(rows))


def map_tasks(
    fn: Callable[..., Any],
    items: Sequence[Any],
    *args: Any,
    address: str,
    workers: int | None = None,
) -> list[Any]:
    """``[fn(item, *args) for item in items]`` on Dask, in order."""
    with cluster(address, workers=workers) as client:
        futures = [client.submit(fn, item, *args, pure=False) for item in items]
        return list(client.gather(futures))
