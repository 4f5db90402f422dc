"""The single-cell protection model of secondary suppression (``dashboard.core.disclosure_solve``).

When the whole-system check finds a withheld cell whose interval is too narrow, the duals of the attacker's LP
name the published cells whose release would widen it, and the cheapest of them is withheld. In a table of sums
of sums (schools, networks, the district) the duals often name only a rollup's figure, the dearest cells of all,
where a chain of cheap school cells would do: a small group of one network protected by the district's figure
for that group. ``protection`` asks the question the other way round, as statistical offices do (Fischetti and
Salazar-Gonzalez's model, relaxed to a linear program): what is the cheapest way to move the cell by the counts
it needs, with every published sum still holding? The published cells that move are the ones to withhold.

Beside it, the structure of the system that the whole engine reads: ``Index`` (each cell's relations, each
relation's members) and ``components`` (the cells and relations linked through withheld cells).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from dashboard.core.disclosure_lp import EPS, movement

if TYPE_CHECKING:
    from dashboard.core.disclosure_solve import Problem

PROTECTION_DEPTH = 6  # relations away from the cell: the movement is looked for among the cells this near
PROTECTION_MAX_CELLS = 4_000  # ... or fewer: a wider ring (the district's sum reaches every school) is left out
PROTECTION_COST_SCALE = 1e6  # a published cell's weight per count: its cost over this, plus one


class Index:
    """The members of each cell and of each relation, as slices of two orderings of the members."""

    def __init__(self, pr: Problem, ncells: int):
        self.by_cell = np.argsort(pr.cell, kind="stable")
        self.cell_starts = np.searchsorted(pr.cell[self.by_cell], np.arange(ncells + 1))
        self.by_rel = np.argsort(pr.rel, kind="stable")
        self.rel_starts = np.searchsorted(pr.rel[self.by_rel], np.arange((int(pr.rel.max()) + 2) if len(pr.rel) else 1))

    @staticmethod
    def _gather(order: np.ndarray, starts: np.ndarray, ids: np.ndarray) -> np.ndarray:
        lens = starts[ids + 1] - starts[ids]
        offsets = np.repeat(starts[ids] - np.cumsum(np.r_[0, lens[:-1]]), lens) + np.arange(lens.sum())
        return order[offsets]

    def memberships(self, k: int) -> np.ndarray:
        """Indices of cell ``k``'s memberships (into ``pr.rel``, ``pr.cell``, ``pr.coef``)."""
        return self.by_cell[self.cell_starts[k] : self.cell_starts[k + 1]]

    def members(self, r: int) -> np.ndarray:
        """Indices of relation ``r``'s members."""
        return self.by_rel[self.rel_starts[r] : self.rel_starts[r + 1]]

    def rels_of(self, pr: Problem, cells: np.ndarray) -> np.ndarray:
        return np.unique(pr.rel[self._gather(self.by_cell, self.cell_starts, cells)])

    def members_of(self, rels: np.ndarray) -> np.ndarray:
        """Indices (into ``pr.rel``, ``pr.cell``, ``pr.coef``) of the members of ``rels``."""
        return self._gather(self.by_rel, self.rel_starts, rels)


def protection(pr: Problem, unknown: np.ndarray, index: Index, x: int) -> np.ndarray:
    """The published cells to withhold so that withheld cell ``x`` can move ``need - 1`` whole counts, up and down
    together, with every published sum still holding: the movement of least cost (each cell's cost per count it
    moves; withheld cells move for free), found by linear programming over the cells within ``PROTECTION_DEPTH``
    relations of ``x`` (the cells beyond stay as they are, so a movement found is one the whole system allows).
    This is the classic single-cell protection model of secondary suppression (Fischetti and Salazar-Gonzalez),
    relaxed to a linear program: unlike the duals of the attacker's LP, it sees the cheap cells of a chain of sums.
    Empty when no movement is found."""
    cells = np.array([x], dtype=np.int64)
    for _ in range(PROTECTION_DEPTH):
        wider = np.unique(pr.cell[index.members_of(index.rels_of(pr, cells))])
        if len(wider) > PROTECTION_MAX_CELLS or len(wider) == len(cells):
            break
        cells = wider
    rels = index.rels_of(pr, cells)
    mem = index.members_of(rels)
    local = np.full(len(unknown), -1)
    local[cells] = np.arange(len(cells))
    inside = local[pr.cell[mem]] >= 0
    A = sparse.csr_matrix(
        (pr.coef[mem][inside], (np.searchsorted(rels, pr.rel[mem][inside]), local[pr.cell[mem][inside]])),
        shape=(len(rels), len(cells)),
    )
    withheld = unknown[cells]
    v = np.nan_to_num(pr.value[cells])
    size = np.nan_to_num(pr.size[cells], nan=1e6)
    lo = np.where(withheld, np.maximum(pr.lo[cells], -1e6), 0.0)
    hi = np.where(withheld, np.minimum(pr.hi[cells], 1e6), size)
    unknown_value = np.isnan(pr.value[cells])  # a publisher's cell: it may move across its whole range
    up = np.where(unknown_value, hi - lo, np.maximum(hi - v, 0))
    down = np.where(unknown_value, hi - lo, np.maximum(v - lo, 0))
    movable = withheld | pr.candidate[cells]
    up, down = np.where(movable, up, 0.0), np.where(movable, down, 0.0)
    weight = np.where(withheld, 0.0, pr.cost[cells] / PROTECTION_COST_SCALE + 1.0)
    j = local[x]
    need = float(pr.need[x]) - 1
    u = min(up[j], np.ceil(need / 2))
    d = min(down[j], need - u)
    u = min(up[j], need - d)
    found = []
    for amount, sign in ((u, 1.0), (d, -1.0)):
        if amount <= EPS:
            continue
        y = movement(A, up, down, weight, j, sign * amount)
        if y is None:
            return np.array([], dtype=np.int64)
        found.append(cells[(np.abs(y) > 1e-6) & ~withheld])
    return np.unique(np.concatenate(found)) if found else np.array([], dtype=np.int64)


def components(pr: Problem, unknown: np.ndarray, nrel: int) -> tuple[np.ndarray, np.ndarray]:
    """The components of the bipartite graph of withheld cells and the relations they are in: each cell's label
    (-1 for a published cell) and each relation's (one numbering for both; a relation with no withheld member is
    a component of its own)."""
    cells = np.flatnonzero(unknown)
    pos = np.full(len(unknown), -1)
    pos[cells] = np.arange(len(cells))
    u = unknown[pr.cell]
    g = sparse.coo_matrix((np.ones(u.sum()), (pos[pr.cell[u]], pr.rel[u])), shape=(len(cells), nrel)).tocsr()
    _, label = connected_components(sparse.bmat([[None, g], [g.T, None]]).tocsr(), directed=False)
    of_cell = np.full(len(unknown), -1)
    of_cell[cells] = label[: len(cells)]
    return of_cell, label[len(cells) :]
