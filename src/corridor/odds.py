"""Access probabilities: how likely a route is when some states may refuse.

A scenario's ``[probabilities]`` table gives, for uncertain states, the chance each
permits transit (``IRN = 0.6``), or one chance per mode (``IRN = {air = 0.8, road =
0.5}``; ``air`` is overflight and landing). Each entry is one independent *decision*:

* permitted: the state keeps its stance for those modes, a hostile stance becomes
  ``conditional`` (allowed, flagged);
* refused: the state turns hostile for those modes (every mode for a plain number).

:func:`odds` gives, per origin-destination pair and for the whole scenario, the
probability that a route exists and the expected extra km and hours against the case
where every uncertain state permits. With up to :data:`EXACT_LIMIT` decisions it
enumerates all 2^n combinations, weighting each by its probability (exact); beyond,
it draws combinations at random (Monte Carlo) and states a confidence interval
(Wilson for probabilities, normal for means). It names the decision that matters
most: the largest change in the probability that every pair has a route between
that state permitting and refusing.

Combinations are evaluated with the sweep engine (:mod:`corridor._sweep`): a route
found for one combination is reused for every combination that refuses more but
nothing the route touches, so a study runs only a handful of searches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from corridor import _sweep
from corridor._errors import ScenarioError
from corridor.network import TransitNetwork, load_network
from corridor.scenario import STANCE_MODES, Scenario, Stance

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["EXACT_LIMIT", "Decision", "Estimate", "Odds", "PairOdds", "odds"]

#: Most uncertain decisions enumerated exactly (2^20 combinations).
EXACT_LIMIT = 20
#: Most decisions a Monte Carlo study takes (one bit each in a 64-bit code).
MAX_DECISIONS = 63
#: Draws per Monte Carlo chunk (one Dask task each; the seed of chunk j is (seed, j)).
CHUNK_DRAWS = 50_000


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Estimate:
    """A probability or an expectation; ``low``/``high`` bound it when it was sampled."""

    value: float | None
    low: float | None = None
    high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``ci`` only for sampled values)."""
        out: dict[str, Any] = {"value": _round(self.value)}
        if self.low is not None and self.high is not None:
            out["ci"] = [_round(self.low), _round(self.high)]
        return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


@dataclass(frozen=True)
class Decision:
    """One uncertain decision and what it changes for the whole scenario."""

    label: str
    state: str
    modes: tuple[str, ...]  # stance modes refused; every mode when empty
    p_permit: float
    if_permits: Estimate  # P(every pair has a route | the state permits)
    if_refuses: Estimate

    @property
    def influence(self) -> float | None:
        """Change in P(every pair has a route) between permitting and refusing."""
        a, b = self.if_permits.value, self.if_refuses.value
        return None if a is None or b is None else a - b

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "decision": self.label,
            "p_permit": self.p_permit,
            "p_all_if_permits": self.if_permits.to_dict(),
            "p_all_if_refuses": self.if_refuses.to_dict(),
            "influence": _round(self.influence),
        }


@dataclass(frozen=True)
class PairOdds:
    """Odds for one origin-destination pair."""

    origin: str
    destination: str
    p_route: Estimate
    base_km: float | None  # best route when every uncertain state permits
    base_hours: float | None
    extra_km: Estimate  # expected extra km over base_km, given a route exists
    extra_hours: Estimate
    decisive: str | None  # the decision that changes this pair's P(route) most
    influence: tuple[float | None, ...]  # per decision, as Odds.decisions

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "origin": self.origin,
            "destination": self.destination,
            "p_route": self.p_route.to_dict(),
            "base_km": None if self.base_km is None else round(self.base_km, 1),
            "base_hours": None if self.base_hours is None else round(self.base_hours, 2),
            "expected_extra_km": self.extra_km.to_dict(),
            "expected_extra_hours": self.extra_hours.to_dict(),
            "decisive": self.decisive,
        }


@dataclass(frozen=True)
class Odds:
    """The answer of :func:`odds` (frozen).

    ``p_all`` is the probability that every pair has a route, ``p_any`` that at
    least one has; ``extra_km``/``extra_hours`` the expected extra total over all
    pairs given every pair has a route. ``decisive`` is the label of the decision
    with the largest influence on ``p_all``.
    """

    scenario: str
    method: Literal["exact", "monte-carlo"]
    combinations: int  # enumerated (exact) or drawn (monte-carlo)
    confidence: float | None
    decisions: tuple[Decision, ...]
    pairs: tuple[PairOdds, ...]
    p_all: Estimate
    p_any: Estimate
    extra_km: Estimate
    extra_hours: Estimate
    decisive: str | None
    searches: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as printed by ``corridor odds --json``."""
        return {
            "scenario": self.scenario,
            "method": self.method,
            "combinations": self.combinations,
            "confidence": self.confidence,
            "p_all_pairs": self.p_all.to_dict(),
            "p_any_pair": self.p_any.to_dict(),
            "expected_extra_km": self.extra_km.to_dict(),
            "expected_extra_hours": self.extra_hours.to_dict(),
            "decisive": self.decisive,
            "decisions": [d.to_dict() for d in self.decisions],
            "pairs": [p.to_dict() for p in self.pairs],
        }


# --------------------------------------------------------------------------- set-up


def decisions(scenario: Scenario) -> list[tuple[_sweep.Unit, float]]:
    """List the independent decisions of a scenario's ``probabilities``, in label order."""
    out: list[tuple[_sweep.Unit, float]] = []
    for code, entry in scenario.probabilities.items():
        listed: set[str] = set()
        for key, p in entry.items():
            if key == "default":
                continue
            modes = {"overflight", "landing"} if key == "air" else {key}
            listed |= modes
            out.append((_sweep.Unit(code, frozenset(modes)), p))
        if "default" in entry:
            rest = set(STANCE_MODES) - listed
            if not listed:
                out.append((_sweep.Unit(code, None), entry["default"]))
            elif rest:
                out.append((_sweep.Unit(code, frozenset(rest)), entry["default"]))
    return sorted(out, key=lambda u: u[0].label)


def _permitting(scenario: Scenario, units: Sequence[_sweep.Unit]) -> Scenario:
    """Return the scenario where every uncertain state permits (hostile becomes conditional)."""
    stances = {c: dict(m) for c, m in scenario.stances.items()}
    for unit in units:
        modes = unit.modes or STANCE_MODES
        for mode in modes:
            if scenario.stance(unit.state, mode) == Stance.HOSTILE:
                entry = stances.setdefault(unit.state, {})
                entry.setdefault("default", scenario.stance(unit.state, "default"))
                entry[mode] = Stance.CONDITIONAL
    return scenario.replace(stances=stances)


def _engines(
    scenario: Scenario, net: TransitNetwork, units: Sequence[_sweep.Unit]
) -> list[_sweep.PairEngine]:
    base = _permitting(scenario, units)
    prepared = _sweep.setup(base, (), net)
    return [_sweep.PairEngine(net, base, o, d, units) for o, d in prepared.pairs]


# --------------------------------------------------------------------------- odds


def odds(
    scenario: Scenario,
    *,
    network: TransitNetwork | None = None,
    method: Literal["auto", "exact", "monte-carlo"] = "auto",
    draws: int = 200_000,
    seed: int = 0,
    confidence: float = 0.95,
    dask: str | None = None,
    workers: int | None = None,
) -> Odds:
    """Probability of access and expected detour under uncertain stances.

    Parameters
    ----------
    scenario
        A scenario with a ``probabilities`` table (see :mod:`corridor.odds`).
    network
        Network (default: the shipped one).
    method
        ``"auto"``: exact with up to :data:`EXACT_LIMIT` decisions, else Monte Carlo.
    draws
        Monte Carlo draws.
    seed
        Monte Carlo seed (chunk ``j`` draws from ``numpy.random.default_rng([seed, j])``,
        so the answer is the same in one process and on Dask).
    confidence
        Level of the Monte Carlo confidence intervals.
    dask, workers
        Run on Dask (see :func:`corridor.analysis.sweep`): one task per pair for the
        exact enumeration, one per chunk of draws for Monte Carlo.

    Returns
    -------
    Odds

    Raises
    ------
    ScenarioError
        Without probabilities, with too many decisions for the method, or with bad
        options.

    Examples
    --------
    >>> from corridor.scenario import make_scenario
    >>> s = make_scenario(origins=["vladikavkaz"], destinations=["yerevan"],
    ...                   modes=["road"], probabilities={"GEO": 0.5})
    >>> odds(s).pairs[0].p_route.value
    1.0
    """
    chosen = decisions(scenario)
    if not chosen:
        msg = (
            f"scenario {scenario.name!r} has no [probabilities]; give the chance each "
            "uncertain state permits transit, e.g. IRN = 0.6"
        )
        raise ScenarioError(msg)
    if method not in ("auto", "exact", "monte-carlo"):
        msg = f"unknown method {method!r}; valid: auto, exact, monte-carlo"
        raise ScenarioError(msg)
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        msg = f"draws must be a whole number >= 1, got {draws!r}"
        raise ScenarioError(msg)
    if not (isinstance(confidence, float) and 0 < confidence < 1):
        msg = f"confidence must be between 0 and 1, got {confidence!r}"
        raise ScenarioError(msg)
    n = len(chosen)
    exact = method == "exact" or (method == "auto" and n <= EXACT_LIMIT)
    if exact and n > EXACT_LIMIT:
        msg = f"exact odds take at most {EXACT_LIMIT} uncertain decisions, got {n}"
        raise ScenarioError(msg)
    if n > MAX_DECISIONS:
        msg = f"odds take at most {MAX_DECISIONS} uncertain decisions, got {n}"
        raise ScenarioError(msg)
    net = network if network is not None else load_network()
    units = [u for u, _ in chosen]
    probs = np.array([p for _, p in chosen], dtype=np.float64)
    engines = _engines(scenario, net, units)
    if exact:
        if dask is not None:
            from corridor import _dask

            shipped = None if net is load_network() else net
            lattices = _dask.map_tasks(
                _lattice_task, list(range(len(engines))), scenario, shipped,
                address=dask, workers=workers,
            )  # fmt: skip
        else:
            levels = _sweep.Levels.of(len(units))
            lattices = [_Lattice.of(_sweep.resolve_pair(e, levels)) for e in engines]
        return _exact(scenario, engines, units, probs, lattices)
    if dask is not None:
        from corridor import _dask

        shipped = None if net is load_network() else net
        chunks = _dask.map_tasks(
            _chunk_task, _chunk_plan(draws), scenario, shipped, seed, address=dask, workers=workers
        )
    else:
        memo = [_Memo() for _ in engines]
        chunks = [_chunk(engines, memo, probs, seed, j, size) for j, size in _chunk_plan(draws)]
    return _from_samples(scenario, engines, units, probs, chunks, confidence)


# --------------------------------------------------------------------------- exact


def _weights(probs: NDArray[np.float64], codes: NDArray[np.int64]) -> NDArray[np.float64]:
    """Probability of each combination (bit k set: decision k refuses)."""
    w = np.ones(len(codes))
    for k, p in enumerate(probs):
        w *= np.where((codes >> k) & 1, 1.0 - p, p)
    return w


def _conditional(
    f: NDArray[np.float64], codes: NDArray[np.int64], probs: NDArray[np.float64], k: int
) -> tuple[float, float]:
    """P(f | decision k permits), P(f | decision k refuses), exactly."""
    others = np.delete(probs, k)
    rest = np.delete(np.arange(len(probs)), k)
    permit = ((codes >> k) & 1) == 0
    # weight of the other decisions, the same for a combination and its twin at bit k
    sub = np.zeros(len(codes[permit]), dtype=np.int64)
    for j, b in enumerate(rest):
        sub |= ((codes[permit] >> b) & 1) << j
    w = _weights(others, sub)
    return float(np.dot(w, f[permit])), float(np.dot(w, f[codes[permit] | (1 << k)]))


@dataclass(frozen=True)
class _Lattice:
    """One pair's best route for every combination: index, per-route km and hours."""

    ids: NDArray[np.int32]
    km: tuple[float, ...]
    hours: tuple[float, ...]
    searches: int

    @classmethod
    def of(cls, res: _sweep.PairResult) -> _Lattice:
        return cls(
            res.ids, tuple(r.km for r in res.routes), tuple(r.hours for r in res.routes),
            res.searches,
        )  # fmt: skip


def _lattice_task(index: int, scenario: Scenario, net: TransitNetwork | None) -> _Lattice:
    """One pair's exact lattice on a Dask worker."""
    units = [u for u, _ in decisions(scenario)]
    engine = _engines(scenario, net if net is not None else load_network(), units)[index]
    return _Lattice.of(_sweep.resolve_pair(engine, _sweep.Levels.of(len(units))))


def _exact(
    scenario: Scenario,
    engines: Sequence[_sweep.PairEngine],
    units: Sequence[_sweep.Unit],
    probs: NDArray[np.float64],
    results: Sequence[_Lattice],
) -> Odds:
    n = len(units)
    codes = np.arange(1 << n, dtype=np.int64)
    w = _weights(probs, codes)
    feasible = np.stack([r.ids >= 0 for r in results]).astype(np.float64)  # pairs x combos
    f_all = feasible.min(axis=0)
    f_any = feasible.max(axis=0)
    pairs, extra_km, extra_h = [], np.zeros(len(codes)), np.zeros(len(codes))
    cond_all = [_conditional(f_all, codes, probs, k) for k in range(n)]
    for engine, res, f in zip(engines, results, feasible, strict=True):
        km = np.array([*res.km, np.nan])
        hours = np.array([*res.hours, np.nan])
        base = int(res.ids[0])
        route_km, route_h = km[res.ids], hours[res.ids]
        p_route = float(np.dot(w, f))
        influence = tuple(a - b for a, b in (_conditional(f, codes, probs, k) for k in range(n)))
        e_km = e_h = None
        if base >= 0 and p_route > 0:
            ok = f > 0
            e_km = float(np.dot(w[ok], route_km[ok] - km[base]) / p_route)
            e_h = float(np.dot(w[ok], route_h[ok] - hours[base]) / p_route)
            extra_km[ok] += route_km[ok] - km[base]
            extra_h[ok] += route_h[ok] - hours[base]
        pairs.append(
            PairOdds(
                engine.orig.label, engine.dest.label, Estimate(p_route),
                km[base] if base >= 0 else None, hours[base] if base >= 0 else None,
                Estimate(e_km), Estimate(e_h), _decisive(units, influence), influence,
            )
        )  # fmt: skip
    p_all = float(np.dot(w, f_all))
    all_base = all(r.ids[0] >= 0 for r in results)
    ok = f_all > 0
    tot_km = float(np.dot(w[ok], extra_km[ok]) / p_all) if p_all > 0 and all_base else None
    tot_h = float(np.dot(w[ok], extra_h[ok]) / p_all) if p_all > 0 and all_base else None
    decided = tuple(
        Decision(u.label, u.state, tuple(sorted(u.modes or ())), float(p), Estimate(a), Estimate(b))
        for u, p, (a, b) in zip(units, probs, cond_all, strict=True)
    )
    return Odds(
        scenario.name, "exact", 1 << n, None, decided, tuple(pairs), Estimate(p_all),
        Estimate(float(np.dot(w, f_any))), Estimate(tot_km), Estimate(tot_h),
        _decisive(units, tuple(d.influence for d in decided)),
        sum(r.searches for r in results),
    )  # fmt: skip


def _decisive(units: Sequence[_sweep.Unit], influence: Sequence[float | None]) -> str | None:
    scored = [(abs(x), -i) for i, x in enumerate(influence) if x is not None]
    if not scored or max(scored)[0] <= 0:
        return None
    return units[-max(scored)[1]].label


# --------------------------------------------------------------------------- Monte Carlo


class _Memo:
    """Routes found so far for one pair: ``(searched, touched, route id)`` and dead ends.

    A route found with the refusals ``S`` is the best for every combination ``C``
    that contains ``S`` and refuses nothing more that the route touches; a pair
    without a route for ``S`` has none for any ``C`` containing ``S``.
    """

    def __init__(self) -> None:
        self.found: list[tuple[int, int, int]] = []
        self.dead: list[int] = []
        self.km: list[float] = []
        self.hours: list[float] = []
        self.searches = 0

    def evaluate(self, engine: _sweep.PairEngine, codes: NDArray[np.uint64]) -> NDArray[np.int32]:
        """Route index per combination code (``-1``: none), searching only what is new."""
        ids = np.full(len(codes), -2, dtype=np.int32)
        todo = np.arange(len(codes))
        for dead in self.dead:
            todo = self._apply(codes, ids, todo, dead, None)
        for found in self.found:
            todo = self._apply(codes, ids, todo, found[0], found[1:])
        while len(todo):
            code = int(codes[todo[0]])
            route = engine.search(code)
            self.searches += 1
            if route is None:
                self.dead.append(code)
                todo = self._apply(codes, ids, todo, code, None)
                continue
            entry = (code, engine.touch_mask(route), len(self.km))
            self.found.append(entry)
            self.km.append(route.km)
            self.hours.append(route.hours)
            todo = self._apply(codes, ids, todo, code, entry[1:])
        return ids

    @staticmethod
    def _apply(
        codes: NDArray[np.uint64],
        ids: NDArray[np.int32],
        todo: NDArray[Any],
        searched: int,
        route: tuple[int, int] | None,
    ) -> NDArray[Any]:
        """Decide the pending combinations one memo entry covers; return the rest."""
        c = codes[todo]
        s64 = np.uint64(searched)
        hit = (c & s64) == s64
        if route is None:
            ids[todo[hit]] = -1
        else:
            t64 = np.uint64(route[0])
            hit &= (c & ~s64 & t64) == 0
            ids[todo[hit]] = route[1]
        rest: NDArray[Any] = todo[~hit]
        return rest


def _chunk_plan(draws: int) -> list[tuple[int, int]]:
    return [(j, min(CHUNK_DRAWS, draws - s)) for j, s in enumerate(range(0, draws, CHUNK_DRAWS))]


def _draw(probs: NDArray[np.float64], seed: int, j: int, size: int) -> NDArray[np.uint64]:
    rng = np.random.default_rng([seed, j])
    refuse = rng.random((size, len(probs))) >= probs[None, :]
    codes = np.zeros(size, dtype=np.uint64)
    for k in range(len(probs)):
        codes |= refuse[:, k].astype(np.uint64) << np.uint64(k)
    return codes


@dataclass(frozen=True)
class _Sums:
    """Sufficient statistics of one chunk of draws."""

    n: int
    feasible: NDArray[np.float64]  # per pair
    km: NDArray[np.float64]  # per pair: sum and sum of squares of extra km over feasible draws
    km2: NDArray[np.float64]
    hours: NDArray[np.float64]
    hours2: NDArray[np.float64]
    all_: float
    any_: float
    tot_km: float
    tot_km2: float
    tot_h: float
    tot_h2: float
    permits: NDArray[np.float64]  # per decision: draws where it permits
    all_if_permit: NDArray[np.float64]  # per decision
    all_if_refuse: NDArray[np.float64]
    pair_if_permit: NDArray[np.float64]  # decisions x pairs
    pair_if_refuse: NDArray[np.float64]
    searches: int

    def __add__(self, other: _Sums) -> _Sums:
        return _Sums(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))


def _chunk(
    engines: Sequence[_sweep.PairEngine],
    memo: Sequence[_Memo],
    probs: NDArray[np.float64],
    seed: int,
    j: int,
    size: int,
) -> _Sums:
    codes = _draw(probs, seed, j, size)
    before = sum(m.searches for m in memo)
    feas, ekm, eh = [], [], []
    for engine, m in zip(engines, memo, strict=True):
        ids = m.evaluate(engine, codes)
        base = m.evaluate(engine, np.zeros(1, dtype=np.uint64))[0]
        km = np.array([*m.km, np.nan])[ids]
        hours = np.array([*m.hours, np.nan])[ids]
        f = ids >= 0
        feas.append(f)
        base_km = m.km[base] if base >= 0 else np.nan
        base_h = m.hours[base] if base >= 0 else np.nan
        ekm.append(np.where(f, km - base_km, 0.0))
        eh.append(np.where(f, hours - base_h, 0.0))
    F = np.stack(feas)
    KM, H = np.stack(ekm), np.stack(eh)
    f_all: NDArray[np.bool_] = np.asarray(F.all(axis=0))
    f_any: NDArray[np.bool_] = np.asarray(F.any(axis=0))
    refuse = ((codes[None, :] >> np.arange(len(probs), dtype=np.uint64)[:, None]) & 1).astype(bool)
    tot_km = np.where(f_all, KM.sum(axis=0), 0.0)
    tot_h = np.where(f_all, H.sum(axis=0), 0.0)
    return _Sums(
        size, F.sum(axis=1).astype(np.float64), KM.sum(axis=1), (KM**2).sum(axis=1),
        H.sum(axis=1), (H**2).sum(axis=1), float(f_all.sum()), float(f_any.sum()),
        float(tot_km.sum()), float((tot_km**2).sum()), float(tot_h.sum()), float((tot_h**2).sum()),
        (~refuse).sum(axis=1).astype(np.float64),
        (~refuse & f_all[None, :]).sum(axis=1).astype(np.float64),
        (refuse & f_all[None, :]).sum(axis=1).astype(np.float64),
        ((~refuse).astype(np.float64) @ F.T.astype(np.float64)),
        (refuse.astype(np.float64) @ F.T.astype(np.float64)),
        sum(m.searches for m in memo) - before,
    )  # fmt: skip


def _chunk_task(
    plan: tuple[int, int], scenario: Scenario, net: TransitNetwork | None, seed: int
) -> _Sums:
    """One chunk on a Dask worker (its own engines and memo)."""
    chosen = decisions(scenario)
    units = [u for u, _ in chosen]
    probs = np.array([p for _, p in chosen], dtype=np.float64)
    engines = _engines(scenario, net if net is not None else load_network(), units)
    return _chunk(engines, [_Memo() for _ in engines], probs, seed, *plan)


def _wilson(k: float, n: float, z: float) -> Estimate:
    if n <= 0:
        return Estimate(None)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half))


def _mean(total: float, squares: float, n: float, z: float) -> Estimate:
    if n <= 0:
        return Estimate(None)
    mean = total / n
    var = max(squares / n - mean * mean, 0.0) * n / max(n - 1, 1)
    half = z * math.sqrt(var / n)
    return Estimate(mean, mean - half, mean + half)


def _from_samples(
    scenario: Scenario,
    engines: Sequence[_sweep.PairEngine],
    units: Sequence[_sweep.Unit],
    probs: NDArray[np.float64],
    chunks: Sequence[_Sums],
    confidence: float,
) -> Odds:
    s = chunks[0]
    for c in chunks[1:]:
        s = s + c
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    base_memo = [_Memo() for _ in engines]
    pairs = []
    for p, (engine, m) in enumerate(zip(engines, base_memo, strict=True)):
        base = int(m.evaluate(engine, np.zeros(1, dtype=np.uint64))[0])
        route = (m.km[base], m.hours[base]) if base >= 0 else (None, None)
        refused = s.n - s.permits
        influence = []
        for k in range(len(units)):
            a = s.pair_if_permit[k, p] / s.permits[k] if s.permits[k] else None
            b = s.pair_if_refuse[k, p] / refused[k] if refused[k] else None
            influence.append(None if a is None or b is None else a - b)
        nf = float(s.feasible[p])
        pairs.append(
            PairOdds(
                engine.orig.label, engine.dest.label, _wilson(nf, s.n, z), route[0], route[1],
                _mean(s.km[p], s.km2[p], nf, z) if base >= 0 else Estimate(None),
                _mean(s.hours[p], s.hours2[p], nf, z) if base >= 0 else Estimate(None),
                _decisive(units, influence), tuple(influence),
            )
        )  # fmt: skip
    decided = []
    for k, (u, p_k) in enumerate(zip(units, probs, strict=True)):
        n_ref = s.n - s.permits[k]
        decided.append(
            Decision(
                u.label, u.state, tuple(sorted(u.modes or ())), float(p_k),
                _wilson(s.all_if_permit[k], s.permits[k], z), _wilson(s.all_if_refuse[k], n_ref, z),
            )
        )  # fmt: skip
    all_base = all(p.base_km is not None for p in pairs)
    return Odds(
        scenario.name, "monte-carlo", s.n, confidence, tuple(decided), tuple(pairs),
        _wilson(s.all_, s.n, z), _wilson(s.any_, s.n, z),
        _mean(s.tot_km, s.tot_km2, s.all_, z) if all_base else Estimate(None),
        _mean(s.tot_h, s.tot_h2, s.all_, z) if all_base else Estimate(None),
        _decisive(units, [d.influence for d in decided]), s.searches,
    )  # fmt: skip
