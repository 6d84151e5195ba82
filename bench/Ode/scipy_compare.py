#!/usr/bin/env python3
"""SciPy solve_ivp on the problems of OdeTable (bench/Ode/OdeTable.cs), same tolerances.

Writes scipy_results.csv beside this file (tmp + rename). Run with the Debian python that has SciPy:
    /usr/bin/python3 bench/Ode/scipy_compare.py
"""
import csv
import os
import sys

import numpy as np
import scipy
from scipy.integrate import solve_ivp

MU = 0.012277471
ARENSTORF_T = 17.0652165601579625588917206249
ARENSTORF_Y0 = [0.994, 0.0, 0.0, -2.00158510637908252240537862224]
VDP_EPS = 1e-6
VDP_REF = [1.706167732170469, -0.8928097010248125]
ROBER_REF_1E5 = [0.1786592114209946e-01, 0.7274751468436319e-07, 0.9821340061103859e+00]


def arenstorf(t, y):
    mup = 1 - MU
    d1 = ((y[0] + MU) ** 2 + y[1] ** 2) ** 1.5
    d2 = ((y[0] - mup) ** 2 + y[1] ** 2) ** 1.5
    return [y[2], y[3],
            y[0] + 2 * y[3] - mup * (y[0] + MU) / d1 - MU * (y[0] - mup) / d2,
            y[1] - 2 * y[2] - mup * y[1] / d1 - MU * y[1] / d2]


def vdp(t, y):
    return [y[1], ((1 - y[0] ** 2) * y[1] - y[0]) / VDP_EPS]


def vdp_jac(t, y):
    return [[0.0, 1.0], [(-2 * y[0] * y[1] - 1) / VDP_EPS, (1 - y[0] ** 2) / VDP_EPS]]


def rober(t, y):
    a = -0.04 * y[0] + 1e4 * y[1] * y[2]
    c = 3e7 * y[1] ** 2
    return [a, -a - c, c]


def rober_jac(t, y):
    return [[-0.04, 1e4 * y[2], 1e4 * y[1]],
            [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]],
            [0.0, 6e7 * y[1], 0.0]]


def rel_err(y, ref):
    return max(abs(a - b) / abs(b) for a, b in zip(y, ref))


def main():
    rows = []
    for tol in (1e-6, 1e-10):
        for method in ("RK45", "DOP853"):
            s = solve_ivp(arenstorf, (0, ARENSTORF_T), ARENSTORF_Y0, method=method, rtol=tol, atol=tol)
            err = max(abs(a - b) for a, b in zip(s.y[:, -1], ARENSTORF_Y0))
            rows.append(("Arenstorf", tol, method, s.nfev, s.njev, s.nlu, len(s.t) - 1, s.status, err))
    for tol in (1e-6, 1e-8):
        for method in ("Radau", "BDF", "LSODA"):
            s = solve_ivp(vdp, (0, 2), [2.0, 0.0], method=method, rtol=tol, atol=tol, jac=vdp_jac)
            rows.append(("VanDerPol mu=1000", tol, method, s.nfev, s.njev, s.nlu, len(s.t) - 1, s.status, rel_err(s.y[:, -1], VDP_REF)))
        for method in ("Radau", "BDF", "LSODA"):
            atol = [tol * 1e-2, tol * 1e-6, tol * 1e-2]
            s = solve_ivp(rober, (0, 1e5), [1.0, 0.0, 0.0], method=method, rtol=tol, atol=atol, jac=rober_jac)
            rows.append(("Robertson 1e5", tol, method, s.nfev, s.njev, s.nlu, len(s.t) - 1, s.status, rel_err(s.y[:, -1], ROBER_REF_1E5)))
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "scipy_results.csv")
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        f.write("# scipy " + scipy.__version__ + " numpy " + np.__version__ + "\n")
        w.writerow(["problem", "rtol", "method", "nfev", "njev", "nlu", "steps", "status", "error"])
        for r in rows:
            w.writerow([r[0], repr(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], "%.3g" % r[8]])
    os.replace(tmp, path)
    for r in rows:
        print(*r, sep="\t")
    return 0


if __name__ == "__main__":
    sys.exit(main())
