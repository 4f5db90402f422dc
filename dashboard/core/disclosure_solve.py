"""Secondary suppression over a system of published sums, to a fixed point (``dashboard.core.disclosure``).

The system: cells with a true count (``value``) and, where withheld, the bounds an outsider knows (``lo``, ``hi``:
0 to the number tested, or a band); relations ``total - sum(parts) = 0`` given as members (``rel``, ``cell``,
``coef``). A withheld cell is safe when its feasible interval holds ``need`` whole counts or more; a relation is
safe when the sum of its withheld parts is not pinned at 0 or at all of them.

``protect`` alternates two checks until nothing changes, withholding the cheapest published member of whatever
fails:

1. each relation alone (vectorised over every relation at once): the interval one equation and the bounds allow.
   Sound: a cell that fails here fails in the whole system.
2. the whole system by linear programming (HiGHS), per connected component of withheld cells: a few extreme points
   first (most cells are settled by what they span), then each unsettled cell's own minimum and maximum. Making a
   published cell withheld only widens the others' intervals, so a cell found safe stays safe: only new cells,
   cells that failed and relations whose parts changed are checked again.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from dashboard.core.disclosure_lp import EPS, Model
from dashboard.core.disclosure_protection import Index, components, protection

SEEN_POINTS = 6  # extreme points per component before cells are solved one by one
DEAR = 1e8  # a figure of a rollup or a school's headline (they cost 1e9 or more; any other cell its size)
DEAR_RELEASE_MAX = 200  # dear cells of a year tried for release against the whole system
RELEASE_MAX = 5_000  # added cells of a year beyond which the release pass is skipped (it tries them one by one)


@dataclass
class Problem:
    value: np.ndarray  # true count of each cell (nan: unknown, a publisher's marker)
    lo: np.ndarray  # bounds when withheld
    hi: np.ndarray
    size: np.ndarray  # the number tested (a sum pinned at all of it is pinned at 100%)
    need: np.ndarray  # whole counts a withheld cell's interval must hold
    audited: np.ndarray  # False for the publisher's own cells (their interval is not ours to protect)
    cost: np.ndarray  # the cost of withholding a published cell
    candidate: np.ndarray  # a published cell that may be withheld
    banded: np.ndarray  # a withheld cell shown as a band (its bounds): it may be withheld wholly instead
    rel: np.ndarray  # members, sorted or not: relation id, cell id, +1 (total) or -1 (part)
    cell: np.ndarray
    coef: np.ndarray


def _counts(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        out = np.floor(np.minimum(hi, 1e12) + EPS) - np.ceil(lo - EPS) + 1
    return np.maximum(out, 0)


def protect(pr: Problem, withheld: np.ndarray) -> np.ndarray:
    """Withhold published cells until the system is safe; returns the cells added (bool, beside ``withheld``).
    Then each added cell, the costliest first, is released where every relation it is in stays safe without it,
    and the whole system is made safe again (a cell the system needs is withheld again, or another in its place).
    Both checks run on every school year and every component, whatever its size: the relations one by one miss
    what a reader finds by chaining them (on the Oregon file, 509 second cells that only the whole-system check
    asks for), so no size falls back to them alone."""
    unknown = withheld.copy()
    added = np.zeros_like(withheld)
    index = Index(pr, len(unknown))  # the members never change: only bounds and bands do
    _fixed_point(pr, unknown, added, index)
    if 0 < added.sum() <= RELEASE_MAX and _release(pr, unknown, added, index):
        _fixed_point(pr, unknown, added, index)
    _release_dear(pr, unknown, added, index)
    return added


def _release_dear(pr: Problem, unknown: np.ndarray, added: np.ndarray, index: Index) -> None:
    """Release added cells that cost ``DEAR`` or more (the rollups' figures), the costliest first, where the whole
    system stays safe without them: the component each was in is checked again by linear programming (releasing a
    cell narrows only the intervals of its own component). At most ``DEAR_RELEASE_MAX`` tries per school year."""
    dear = np.flatnonzero(added & (pr.cost >= DEAR) & ~np.isnan(pr.value))
    if not len(dear):
        return
    dear = dear[np.argsort(-pr.cost[dear], kind="stable")][:DEAR_RELEASE_MAX]
    nrel = int(pr.rel.max()) + 1
    label, _ = components(pr, unknown, nrel)
    parts_now = np.bincount(pr.rel, unknown[pr.cell] & (pr.coef < 0) & pr.audited[pr.cell], nrel)
    for k in dear:
        comp = unknown & (label == label[k])
        unknown[k] = False
        verified = ~comp
        verified[k] = True
        rels_in = np.zeros(nrel, dtype=bool)
        rels_in[pr.rel[comp[pr.cell]]] = True
        checked = np.where(rels_in, -1, parts_now)
        cells, rels, _ = _system_failures(pr, unknown, nrel, verified, checked, index)
        if len(cells) or len(rels):
            unknown[k] = True
        else:
            added[k] = False


def _fixed_point(pr: Problem, unknown: np.ndarray, added: np.ndarray, index: Index) -> None:
    """Both checks, alternately, until neither withholds anything more."""
    nrel = int(pr.rel.max()) + 1 if len(pr.rel) else 0
    verified = np.zeros_like(unknown)  # safe in the whole system (stays so as cells are added)
    checked_parts = np.full(nrel, -1)  # withheld parts of each relation when its sum was last found not pinned

    def withhold(picked: np.ndarray) -> None:
        unknown[picked] = added[picked] = True
        band = picked[pr.banded[picked]]  # a band withheld wholly: bounds 0 to the number tested
        pr.lo[band], pr.hi[band], pr.banded[band] = 0.0, np.nan_to_num(pr.size[band], nan=np.inf), False
        pr.need[band] = np.minimum(3, pr.size[band] + 1)

    while True:  # ends: each round withholds a published cell or a band wholly, and there are finitely many
        while True:
            picked = _cheapest(pr, unknown, _relation_failures(pr, unknown, nrel), index)
            if not len(picked):
                break
            withhold(picked)
        _, _, picks = _system_failures(pr, unknown, nrel, verified, checked_parts, index)
        picked = np.unique(np.array(picks, dtype=np.int64))
        if not len(picked):
            break
        withhold(picked)


def _release(pr: Problem, unknown: np.ndarray, added: np.ndarray, index: Index) -> bool:
    """Release added cells (costliest first, published as they are) where each relation they are in stays safe
    alone; True if any was released. The whole system is checked again after."""
    fields = {f: getattr(pr, f) for f in pr.__dataclass_fields__ if f not in ("rel", "cell", "coef")}
    any_released = False
    for k in np.flatnonzero(added)[np.argsort(-pr.cost[added], kind="stable")]:
        if np.isnan(pr.value[k]):
            continue
        rels = np.unique(pr.rel[index.memberships(k)])
        sel = index.members_of(rels)
        sub = Problem(**fields, rel=np.searchsorted(rels, pr.rel[sel]), cell=pr.cell[sel], coef=pr.coef[sel])
        unknown[k] = False
        if _relation_failures(sub, unknown, len(rels)).any():
            unknown[k] = True
        else:
            added[k] = False
            any_released = True
    return any_released


def _cheapest(pr: Problem, unknown: np.ndarray, failing: np.ndarray, index: Index) -> np.ndarray:
    """The cheapest candidate of each failing relation, one per relation, and none for a relation beside one
    already served this round (sharing a member with it or with the relations of its pick): one pick often mends
    both, and picking for each would withhold more than needed."""
    m = failing[pr.rel] & ((pr.candidate[pr.cell] & ~unknown[pr.cell]) | pr.banded[pr.cell])
    if not m.any():
        return np.array([], dtype=np.int64)
    rel, cell, cost = pr.rel[m], pr.cell[m], pr.cost[pr.cell[m]]
    order = np.lexsort((cell, cost, rel))
    rel, cell, cost = rel[order], cell[order], cost[order]
    first = np.r_[True, rel[1:] != rel[:-1]]
    rel, cell, cost = rel[first], cell[first], cost[first]
    touched = np.zeros(len(unknown), dtype=bool)
    picks = []
    for r, k in zip(rel[np.argsort(cost, kind="stable")], cell[np.argsort(cost, kind="stable")], strict=True):
        mine = pr.cell[index.members(r)]
        if touched[mine].any():
            continue
        picks.append(k)
        touched[mine] = True
        for r2 in pr.rel[index.memberships(k)]:
            touched[pr.cell[index.members(r2)]] = True
    return np.unique(np.array(picks, dtype=np.int64))


def _relation_failures(pr: Problem, unknown: np.ndarray, nrel: int) -> np.ndarray:
    """Each relation alone: True where a withheld member's interval is too narrow or the withheld parts' sum is
    pinned."""
    r, i, a = pr.rel, pr.cell, pr.coef
    u = unknown[i]
    b = -np.bincount(r, weights=np.where(u, 0.0, a * np.nan_to_num(pr.value[i])), minlength=nrel)
    lo_t = np.where(u, np.where(a > 0, pr.lo[i], -pr.hi[i]), 0.0)
    hi_t = np.where(u, np.where(a > 0, pr.hi[i], -pr.lo[i]), 0.0)
    inf_lo, inf_hi = np.isinf(lo_t), np.isinf(hi_t)
    lo_f, hi_f = np.where(inf_lo, 0.0, lo_t), np.where(inf_hi, 0.0, hi_t)
    smin, smax = np.bincount(r, lo_f, nrel), np.bincount(r, hi_f, nrel)
    nlo, nhi = np.bincount(r, inf_lo, nrel), np.bincount(r, inf_hi, nrel)
    omin = np.where(nlo[r] - inf_lo > 0, -np.inf, smin[r] - lo_f)
    omax = np.where(nhi[r] - inf_hi > 0, np.inf, smax[r] - hi_f)
    ax_lo, ax_hi = b[r] - omax, b[r] - omin
    x_lo = np.maximum(np.where(a > 0, ax_lo, -ax_hi), pr.lo[i])
    x_hi = np.minimum(np.where(a > 0, ax_hi, -ax_lo), pr.hi[i])
    fail = u & pr.audited[i] & (_counts(x_lo, x_hi) < pr.need[i])
    failing = np.bincount(r, fail, nrel) > 0
    # pinned: P the audited withheld parts; sum(P) = sum(others a x) - b
    part = u & (a < 0) & pr.audited[i]
    k = np.bincount(r, part, nrel)
    q = u & ~part
    qmin = np.bincount(r, np.where(q, lo_f, 0.0), nrel)
    qmax = np.bincount(r, np.where(q, hi_f, 0.0), nrel)
    qlo_inf = np.bincount(r, q & inf_lo, nrel) > 0
    qhi_inf = np.bincount(r, q & inf_hi, nrel) > 0
    plo, phi = np.bincount(r, np.where(part, pr.lo[i], 0.0), nrel), np.bincount(r, np.where(part, pr.hi[i], 0.0), nrel)
    s_lo = np.maximum(np.where(qlo_inf, -np.inf, qmin - b), plo)
    s_hi = np.minimum(np.where(qhi_inf, np.inf, qmax - b), phi)
    size = np.bincount(r, np.where(part, np.nan_to_num(pr.size[i], nan=np.inf), 0.0), nrel)
    pinned = (k >= 2) & ((s_hi <= EPS) | (s_lo >= size - EPS))
    return failing | pinned


def _system_failures(pr: Problem, unknown, nrel: int, verified, checked_parts, index: Index):
    """The whole system by LP, per component: (failing cells, relations with a pinned sum). Marks ``verified``."""
    r, i, a = pr.rel, pr.cell, pr.coef
    u = unknown[i]
    cells = np.flatnonzero(unknown)
    if not len(cells):
        return [], [], []
    label_of_cell, comp_of_rel = components(pr, unknown, nrel)
    comp_of_cell = label_of_cell[cells]
    b = -np.bincount(r, weights=np.where(u, 0.0, a * np.nan_to_num(pr.value[i])), minlength=nrel)
    parts_now = np.bincount(r, u & (a < 0) & pr.audited[i], nrel)
    bad_cells, bad_rels, bad_picks = [], [], []
    # the members of each component's relations, in slices (no scan of every member per component)
    comp_of_member = comp_of_rel[r]
    by_comp = np.argsort(comp_of_member, kind="stable")
    ncomp = max(comp_of_cell.max(), comp_of_rel.max(initial=-1)) + 1
    member_starts = np.searchsorted(comp_of_member[by_comp], np.arange(ncomp + 1))
    order = np.argsort(comp_of_cell, kind="stable")
    bounds_of = np.flatnonzero(np.r_[True, np.diff(comp_of_cell[order]) != 0, True])
    local = np.full(len(unknown), -1)
    for s, e in itertools.pairwise(bounds_of):
        members = cells[order[s:e]]
        todo = members[pr.audited[members] & ~verified[members]]
        comp = comp_of_cell[order[s]]
        mem = by_comp[member_starts[comp] : member_starts[comp + 1]]
        rels = np.unique(r[mem])
        if not len(rels):
            verified[todo] = True  # no relation: the bounds alone (checked by need at primary)
            continue
        changed = rels[(parts_now[rels] >= 2) & (checked_parts[rels] != parts_now[rels])]
        if not len(todo) and not len(changed):
            continue
        local[members] = np.arange(len(members))
        fc, fr, fp = _component(pr, members, rels, mem, local, b, unknown, todo, changed, index)
        local[members] = -1
        bad_picks += fp
        verified[np.setdiff1d(todo, fc)] = True
        ok_rels = np.setdiff1d(changed, fr)
        checked_parts[ok_rels] = parts_now[ok_rels]
        bad_cells += list(fc)
        bad_rels += list(fr)
    return bad_cells, bad_rels, bad_picks


def _component(pr: Problem, members, rels, mem, local, b, unknown, todo, check_rels, index: Index):
    """One component's LP checks: (failing cells, relations with a pinned sum, the cells picked to mend them).
    ``mem``: the indices of its relations' members; ``local``: each of its cells' column."""
    row_of = np.searchsorted(rels, pr.rel[mem])
    inside = unknown[pr.cell[mem]]
    A = sparse.csr_matrix(
        (pr.coef[mem][inside], (row_of[inside], local[pr.cell[mem][inside]])), shape=(len(rels), len(members))
    )
    rhs = b[rels]
    bounds = np.column_stack([pr.lo[members], pr.hi[members]])
    seen_lo = np.full(len(members), np.inf)
    seen_hi = np.full(len(members), -np.inf)
    points = []

    duals: list[np.ndarray] = []

    lp = Model(A, rhs, bounds)

    def solve(obj):
        found = lp.solve(obj)
        if found is None:
            return None
        x, y = found
        points.append(x)
        duals.append(y)
        np.minimum(seen_lo, x, out=seen_lo)
        np.maximum(seen_hi, x, out=seen_hi)
        return x

    # the published members of the component's relations: releasing one moves an LP's optimum where its column
    # meets a nonzero dual (d optimum / d value = -y . column): the candidates that can widen a narrow interval
    pub = ~inside & pr.candidate[pr.cell[mem]]
    pub_rows, pub_cells, pub_coef = row_of[pub], pr.cell[mem][pub], pr.coef[mem][pub]

    bands = members[pr.banded[members]]

    def helpers(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Published cells whose release lowers this LP's minimum (in a direction their bounds allow), and bands
        at their edge in its solution ``x`` (withheld wholly, they would give it room)."""
        out = [
            bands[
                [
                    (abs(x[local[k]] - pr.lo[k]) < EPS and pr.lo[k] > EPS)
                    or (abs(x[local[k]] - pr.hi[k]) < EPS and pr.hi[k] < pr.size[k] - EPS)
                    for k in bands
                ]
            ]
        ]
        if len(pub_cells):
            uniq, inv = np.unique(pub_cells, return_inverse=True)
            score = np.bincount(inv, y[pub_rows] * pub_coef, len(uniq))
            v = pr.value[uniq]
            out.append(uniq[((score > EPS) & (v < pr.size[uniq] - EPS)) | ((score < -EPS) & (v > EPS))])
        return np.concatenate(out).astype(np.int64)

    picks: list[int] = []

    def choice(rows: np.ndarray) -> tuple[int | None, bool]:
        """The cheapest helper of the last two LPs (a minimum and a maximum); where the duals name none, the
        cheapest published member of ``rows`` (the narrow cell's relations, or the pinned relation; else the
        component's). With it, whether one of those candidates is picked already."""
        found = np.unique(np.concatenate([helpers(y, x) for y, x in zip(duals[-2:], points[-2:], strict=True)]))
        if not len(found):
            found = pub_cells[np.isin(pub_rows, rows)]
            found = found if len(found) else pub_cells
        if not len(found):
            return None, False
        return int(found[np.argmin(pr.cost[found])]), bool(np.isin(found, picks).any())

    def pick(rows: np.ndarray) -> None:
        """Withhold ``choice(rows)`` unless a candidate is picked already, so that whatever fails gets something
        withheld for it while the component has a published cell left."""
        chosen, already = choice(rows)
        if chosen is not None and not already:
            picks.append(chosen)

    rng = np.random.default_rng(14)
    for k in range(SEEN_POINTS if len(todo) > SEEN_POINTS else 0):
        obj = np.ones(len(members)) if k < 2 else rng.standard_normal(len(members))
        solve(obj if k % 2 == 0 else -obj)
    bad = []
    for x in todo:
        j = local[x]
        if _counts(seen_lo[j : j + 1], seen_hi[j : j + 1])[0] >= pr.need[x]:
            continue
        e = np.zeros(len(members))
        e[j] = 1
        low, high = solve(e), solve(-e)
        lo = low[j] if low is not None else -np.inf
        hi = high[j] if high is not None else np.inf
        if _counts(np.array([lo]), np.array([hi]))[0] < pr.need[x]:
            bad.append(int(x))
            rows = row_of[pr.cell[mem] == x]
            chosen, _ = choice(rows)
            if chosen is None or pr.cost[chosen] >= DEAR:  # the duals name a rollup or a headline: look further
                fix = protection(pr, unknown, index, int(x))
                if len(fix):
                    if not np.isin(fix, picks).any():
                        picks.extend(int(k) for k in fix)
                    continue
            pick(rows)
    pinned = []
    cells_of = pr.cell[mem]
    part_of = inside & (pr.coef[mem] < 0) & pr.audited[cells_of]
    for rr in check_rels:
        parts = cells_of[part_of & (pr.rel[mem] == rr)]
        if len(parts) < 2:
            continue
        idx = local[parts]
        total = float(np.nan_to_num(pr.size[parts], nan=np.inf).sum())
        sums = [p[idx].sum() for p in points]
        if sums and max(sums) > EPS and min(sums) < total - EPS:
            continue
        e = np.zeros(len(members))
        e[idx] = 1
        low, high = solve(e), solve(-e)
        s_lo = low[idx].sum() if low is not None else -np.inf
        s_hi = high[idx].sum() if high is not None else np.inf
        if s_hi <= EPS or s_lo >= total - EPS:
            pinned.append(int(rr))
            pick(np.searchsorted(rels, [rr]))
    return bad, pinned, picks
