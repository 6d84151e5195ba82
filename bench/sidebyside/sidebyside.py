"""One side-by-side run on the exported reference problem (bench export r1 DIR), written as JSON.

  sidebyside.py scipy DIR T METHOD CAP OUT.json     solve_ivp's RK45 / DOP853 / LSODA on the plain gradient flow
  sidebyside.py gd-numpy DIR T LR CAP OUT.json      full-batch gradient descent, NumPy, hand-written gradient
  sidebyside.py gd-torch DIR T LR CAP OUT.json      full-batch gradient descent, PyTorch float64, autograd
  sidebyside.py toolkit DIR T SUMMARY.txt FINAL.csv OUT.json [NAME]   a toolkit run (`bench r1` or `bench gd r1`:
                                                    its summary line and endpoint), recorded as NAME (default toolkit)

CAP is a wall-time cap in seconds: a capped run reports how far t got. Each run saves its endpoint as
DIR/final_<name>_<T>.csv. Timings cover the integration only (no data loading, no interpreter start).
"""
import json
import os
import re
import sys
import time

import numpy as np

import r1model as M

CPU0 = 0.0   # process CPU time at the start of the timed part (set by each run)


def problem(d):
    x, y = M.load_data(os.path.join(d, "train.csv"))
    theta0 = M.load_theta(os.path.join(d, "theta0.csv"))
    return x, y, theta0


def finish(out, d, name, horizon, theta, t, wall, nfev, extra):
    cpu = time.process_time() - CPU0
    x, y, _ = problem(d)
    loss, g = M.loss_grad(theta, x, y)
    final = os.path.join(d, f"final_{name}_{horizon:g}.csv")
    M.save_theta(final, theta)
    rec = dict(name=name, horizon=horizon, t=float(t), wall=wall, nfev=int(nfev), loss=float(loss),
               grad=float(np.linalg.norm(g)), final=final, loadavg=os.getloadavg(), **extra)
    rec.setdefault("cpu", cpu)
    with open(out + ".tmp", "w") as f:
        json.dump(rec, f, indent=1)
    os.replace(out + ".tmp", out)
    print(json.dumps(rec))


def run_scipy(d, horizon, method, cap, out):
    from scipy.integrate import RK45, DOP853, LSODA
    import scipy
    x, y, theta0 = problem(d)
    shape = theta0.shape
    count = [0]
    grad = M.Gradient(x, y, shape[0])

    def fun(t, v):
        count[0] += 1
        g = np.empty(shape)   # a fresh array: the solver keeps references to earlier values
        grad(v.reshape(shape), g)
        return -g.ravel()

    cls = dict(RK45=RK45, DOP853=DOP853, LSODA=LSODA)[method]
    global CPU0
    t0, CPU0 = time.perf_counter(), time.process_time()
    solver = cls(fun, 0.0, theta0.ravel().copy(), horizon, rtol=1e-6, atol=1e-10)
    steps, status = 0, "running"
    while solver.status == "running":
        if time.perf_counter() - t0 > cap:
            status = f"capped at {cap:g} s"
            break
        msg = solver.step()
        steps += 1
        if solver.status == "failed":
            status = f"failed: {msg}"
    if solver.status == "finished":
        status = "finished"
    wall = time.perf_counter() - t0
    njev = getattr(solver, "njev", 0)
    finish(out, d, method.lower(), horizon, solver.y.reshape(shape), solver.t, wall, count[0],
           dict(status=status, steps=steps, njev=int(njev or 0), version=f"scipy {scipy.__version__}"))


def run_gd_numpy(d, horizon, lr, cap, out):
    x, y, theta = problem(d)
    grad, g = M.Gradient(x, y, theta.shape[0]), np.empty_like(theta)
    nsteps = int(round(horizon / lr))
    global CPU0
    t0, CPU0 = time.perf_counter(), time.process_time()
    status, k = "finished", 0
    while k < nsteps:
        # check the cap every 1000 steps (a step takes microseconds)
        if k % 1000 == 0 and time.perf_counter() - t0 > cap:
            status = f"capped at {cap:g} s"
            break
        grad(theta, g)
        g *= lr
        theta -= g
        k += 1
    wall = time.perf_counter() - t0
    finish(out, d, f"gd-numpy-lr{lr:g}", horizon, theta, k * lr, wall, k,
           dict(status=status, steps=k, lr=lr, version=f"numpy {np.__version__}"))


def run_gd_torch(d, horizon, lr, cap, out):
    import torch
    torch.set_num_threads(1)
    x, y, theta0 = problem(d)
    X = torch.tensor(x, dtype=torch.float64)
    Y = torch.tensor(y, dtype=torch.float64)
    a = torch.tensor(theta0[:, 0].copy(), dtype=torch.float64, requires_grad=True)
    W = torch.tensor(theta0[:, 1:].copy(), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([a, W], lr=lr)
    nsteps = int(round(horizon / lr))
    global CPU0
    t0, CPU0 = time.perf_counter(), time.process_time()
    status, k = "finished", 0
    while k < nsteps:
        if k % 1000 == 0 and time.perf_counter() - t0 > cap:
            status = f"capped at {cap:g} s"
            break
        opt.zero_grad(set_to_none=True)
        loss = 0.5 * torch.mean((torch.relu(X @ W.T) @ a - Y) ** 2)
        loss.backward()
        opt.step()
        k += 1
    wall = time.perf_counter() - t0
    theta = np.column_stack([a.detach().numpy(), W.detach().numpy()])
    finish(out, d, f"gd-torch-lr{lr:g}", horizon, theta, k * lr, wall, k,
           dict(status=status, steps=k, lr=lr, version=f"torch {torch.__version__}"))


def run_toolkit(d, horizon, summary, final, out, name="toolkit"):
    text = open(summary).read()
    m = re.search(r"[A-Z][A-Z0-9]* rhs=(\d+) jac=(\d+) t=(\S+) loss=(\S+) grad=(\S+) wall=(\S+) cpu=(\S+)", text)
    code = re.search(r"^([A-Z][A-Za-z]+): ", text, re.M).group(1)   # the return-code line (progress lines start with t=)
    theta = M.load_theta(final)
    finish(out, d, name, horizon, theta, float(m.group(3)), float(m.group(6)), int(m.group(1)),
           dict(status=code, njev=int(m.group(2)), reported_loss=float(m.group(4)), cpu=float(m.group(7)),
                **(dict(clarke_grad=float(m.group(5))) if name == "toolkit" else {})))


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "scipy":
        run_scipy(a[1], float(a[2]), a[3], float(a[4]), a[5])
    elif a[0] == "gd-numpy":
        run_gd_numpy(a[1], float(a[2]), float(a[3]), float(a[4]), a[5])
    elif a[0] == "gd-torch":
        run_gd_torch(a[1], float(a[2]), float(a[3]), float(a[4]), a[5])
    elif a[0] == "toolkit":
        run_toolkit(a[1], float(a[2]), a[3], a[4], a[5], *a[6:7])
    else:
        sys.exit(__doc__)
