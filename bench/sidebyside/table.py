"""Builds the side-by-side table from the JSON records of sidebyside.py and writes it as a section of bench/RESULTS.md.

  table.py OUTDIR DATADIR RESULTS.md "COMMAND"
"""
import datetime
import glob
import json
import os
import sys

import numpy as np

import r1model as M

BEGIN, END = "<!-- sidebyside:begin -->", "<!-- sidebyside:end -->"
ORDER = ["toolkit", "rk45", "dop853", "lsoda", "gd-numpy-lr0.01", "gd-torch-lr0.01", "toolkit-gd-lr0.01", "toolkit-gd-lr0.005"]


def fmt(v, spec):
    return format(v, spec) if v is not None else ""


def section(outdir, datadir, command):
    xt, _ = M.load_data(os.path.join(datadir, "test.csv"))
    recs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(outdir, "*.json")))]
    lines = [f"## Side by side on R1 (bench/sidebyside)", "",
             f"Date: {datetime.date.today().isoformat()}. Command: `{command}`.",
             "Same inputs for every row (`bench export r1`: n = 500, d = 5, m = 100, test set 10,000). Single-threaded",
             "(OMP_NUM_THREADS=1, torch.set_num_threads(1); the toolkit's integrator is single-threaded). SciPy: rtol 1e-6,",
             "atol 1e-10 (the toolkit's defaults) on the plain right-hand side (relu'(0) = 0), each capped in wall time.",
             "Gradient descent: full batch, t/lr steps. wall = integration only (no start-up, no data loading); CPU = process",
             "CPU seconds of the same part (on a loaded machine wall includes waiting for a core; CPU does not).",
             "rhs = right-hand-side (gradient) evaluations. loss = 1/(2n) convention. |grad| = plain gradient norm at the",
             "endpoint, computed in NumPy for every row (toolkit: its minimum-norm Clarke gradient in brackets).",
             "endpoint diff = |h(X_test) - h_toolkit(X_test)| / |h_toolkit(X_test)| (toolkit endpoint at the same horizon;",
             "a capped run is compared where it stopped). Ratios are row / toolkit. load = 1-min load average at the start",
             "of the row's run (2 cores, shared machine). toolkit-gd rows: the toolkit's own gradient descent (`bench gd r1`),",
             "used for the learning-rate error. NumPy/SciPy/PyTorch use OpenBLAS (libopenblas0-pthread, via LD_LIBRARY_PATH).", ""]
    for horizon in sorted({r["horizon"] for r in recs}):
        rows = {r["name"]: r for r in recs if r["horizon"] == horizon}
        ref = rows.get("toolkit")
        if ref is None:
            continue
        th_ref = M.load_theta(ref["final"])
        lines += [f"### t = {horizon:g}", "",
                  "| method | status | t reached | wall s | CPU s | rhs | final loss | abs(grad) | endpoint diff | wall ratio | CPU ratio | rhs ratio | load |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name in ORDER + sorted(set(rows) - set(ORDER)):
            r = rows.get(name)
            if r is None:
                continue
            diff = M.rel_pred_diff(M.load_theta(r["final"]), th_ref, xt) if name != "toolkit" else 0.0
            grad = f"{r['grad']:.3g}" + (f" ({r['clarke_grad']:.3g})" if "clarke_grad" in r else "")
            cpu = r.get("cpu")
            cpu_ratio = f"{cpu / ref['cpu']:.3g}" if cpu is not None and ref.get("cpu") else ""
            lines.append(f"| {name} | {r['status']} | {r['t']:.4g} | {r['wall']:.2f} | {fmt(cpu, '.2f')} | {r['nfev']} | {r['loss']:.10g} | {grad} | "
                         f"{diff:.3g} | {r['wall'] / ref['wall']:.3g} | {cpu_ratio} | {r['nfev'] / ref['nfev']:.3g} | {r['loadavg'][0]:.2f} |")
        g1, g2 = rows.get("toolkit-gd-lr0.01"), rows.get("toolkit-gd-lr0.005")
        if g1 and g2 and g1["status"] == g2["status"] == "TimeLimit":
            t1, t2 = M.load_theta(g1["final"]), M.load_theta(g2["final"])
            p1, p2, pr = M.predict(t1, xt), M.predict(t2, xt), M.predict(th_ref, xt)
            rich = 2 * p2 - p1   # Richardson: GD error is O(lr), so 2 h(lr/2) - h(lr) estimates the flow
            lines += ["", f"Learning-rate error at t = {horizon:g}: |h_GD(0.01) - h_GD(0.005)| / |h_GD(0.005)| = "
                      f"{np.linalg.norm(p1 - p2) / np.linalg.norm(p2):.3g} (so GD at 0.01 is about twice that from the flow); "
                      f"toolkit vs the Richardson extrapolation 2 h_GD(0.005) - h_GD(0.01): "
                      f"{np.linalg.norm(pr - rich) / np.linalg.norm(rich):.3g}."]
        versions = sorted({r["version"] for r in rows.values() if "version" in r})
        lines += ["", "Versions: " + ", ".join(versions) + ".", ""]
    return "\n".join(lines) + "\n"


def write(path, text):
    old = open(path).read() if os.path.exists(path) else "# Benchmark results\n\n"
    block = BEGIN + "\n" + text + END + "\n"
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END) + 1:]
    else:
        new = old.rstrip("\n") + "\n\n" + block
    with open(path + ".tmp", "w") as f:
        f.write(new)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    outdir, datadir, results, command = sys.argv[1:5]
    text = section(outdir, datadir, command)
    print(text)
    write(results, text)
