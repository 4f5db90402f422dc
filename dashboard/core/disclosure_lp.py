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


class Model:
    """One component's LP in HiGHS, kept between solves: only the objective changes, so each solve starts from the
    last basis (tens of microseconds, where building the model anew took milliseconds)."""

    def __init__(self, A: sparse.csr_matrix, rhs: np.ndarray, bounds: np.ndarray):
        silence_banner()
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        csc = A.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
        lp.col_cost_ = np.zeros(A.shape[1])
        lp.col_lower_ = bounds[:, 0].astype(float)
        lp.col_upper_ = np.where(np.isinf(bounds[:, 1]), highspy.kHighsInf, bounds[:, 1]).astype(float)
        lp.row_lower_ = lp.row_upper_ = rhs.astype(float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
        lp.a_matrix_.index_ = csc.indices.astype(np.int32)
        lp.a_matrix_.value_ = csc.data.astype(float)
        self.h.passModel(lp)
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
    silence_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    full = sparse.hstack([A, -A]).tocsc()
    lower = np.zeros(2 * n)
    upper = np.r_[up, down].astype(float)
    if amount > 0:
        lower[j], upper[n + j] = amount, 0.0
    else:
        lower[n + j], upper[j] = -amount, 0.0
    if upper[j] < lower[j] - EPS or upper[n + j] < lower[n + j] - EPS:
        return None
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 2 * n, A.shape[0]
    lp.col_cost_ = np.r_[weight, weight].astype(float)
    lp.col_lower_, lp.col_upper_ = lower, upper
    lp.row_lower_ = lp.row_upper_ = np.zeros(A.shape[0])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = full.indptr.astype(np.int32)
    lp.a_matrix_.index_ = full.indices.astype(np.int32)
    lp.a_matrix_.value_ = full.data.astype(float)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    sol = np.asarray(h.getSolution().col_value)
    return sol[:n] - sol[n:]
