"""HiGHS linear programs for the disclosure engine (``dashboard.core.disclosure_solve``): the attacker's LP of a
component, kept between solves, and the movement LP of the single-cell protection model."""

from __future__ import annotations

import os
import sys
from functools import cache

import highspy
import numpy as np
from scipy import sparse

EPS = 1e-7


@cache
def silence_banner() -> None:
    """HiGHS prints its banner on the process's standard output (the C library's) when the first solver is made:
    make that one with the descriptor pointed at the null device, so a CLI's output (an export to stdout) stays
    clean."""
    sys.stdout.flush()
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _highs(csc: sparse.csc_matrix, cost, lower, upper, rhs) -> highspy.Highs:
    """A quiet HiGHS solver holding min ``cost . x`` subject to ``csc x = rhs``, ``lower <= x <= upper``."""
    silence_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = csc.shape[1], csc.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(lower, dtype=float)
    lp.col_upper_ = np.where(np.isinf(upper), highspy.kHighsInf, upper).astype(float)
    lp.row_lower_ = lp.row_upper_ = np.asarray(rhs, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(float)
    h.passModel(lp)
    return h


class Model:
    """One component's LP in HiGHS, kept between solves: only the objective changes, so each solve starts from the
    last basis (tens of microseconds, where building the model anew took milliseconds)."""

    def __init__(self, A: sparse.csr_matrix, rhs: np.ndarray, bounds: np.ndarray):
        self.h = _highs(A.tocsc(), np.zeros(A.shape[1]), bounds[:, 0], bounds[:, 1], rhs)
        self.cols = np.arange(A.shape[1], dtype=np.int32)

    def solve(self, objective: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The minimiser of ``objective`` and the rows' duals (d minimum / d right-hand side); None when there is
        none (unbounded)."""
        self.h.changeColsCost(len(self.cols), self.cols, objective.astype(float))
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = self.h.getSolution()
        return np.asarray(sol.col_value), np.asarray(sol.row_dual)


def movement(A, up, down, weight, j: int, amount: float) -> np.ndarray | None:
    """The cheapest movement ``y`` (``A y = 0``, ``-down <= y <= up``) with ``y[j] = amount``: y = plus - minus."""
    n = A.shape[1]
    lower = np.zeros(2 * n)
    upper = np.r_[up, down].astype(float)
    if amount > 0:
        lower[j], upper[n + j] = amount, 0.0
    else:
        lower[n + j], upper[j] = -amount, 0.0
    if upper[j] < lower[j] - EPS or upper[n + j] < lower[n + j] - EPS:
        return None
    h = _highs(sparse.hstack([A, -A]).tocsc(), np.r_[weight, weight], lower, upper, np.zeros(A.shape[0]))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    sol = np.asarray(h.getSolution().col_value)
    return sol[:n] - sol[n:]
