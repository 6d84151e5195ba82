"""The two-layer ReLU network of docs/THEORY.md section 1 in NumPy: loss (1/(2n)), plain gradient (relu'(0) = 0),
and the CSV files written by `bench export` (train.csv, test.csv: x1..xd,y; theta*.csv: one row a,w1..wd per neuron)."""
import numpy as np


def load_data(path):
    arr = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return np.ascontiguousarray(arr[:, :-1]), np.ascontiguousarray(arr[:, -1])


def load_theta(path):
    """Parameters as an (m, d+1) array, column 0 = a_j, columns 1.. = w_j (the toolkit's flat layout, reshaped)."""
    return np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)


def save_theta(path, theta):
    m, s = theta.shape
    header = "a," + ",".join(f"w{i + 1}" for i in range(s - 1))
    np.savetxt(path + ".tmp", theta, delimiter=",", header=header, comments="", fmt="%.17g")
    import os
    os.replace(path + ".tmp", path)


def predict(theta, x):
    return np.maximum(x @ theta[:, 1:].T, 0.0) @ theta[:, 0]


def loss_grad(theta, x, y):
    """Loss 1/(2n) sum r^2 and its gradient (same (m, d+1) layout); the Clarke selection eta = 0 at a kink."""
    n = x.shape[0]
    a, w = theta[:, 0], theta[:, 1:]
    z = x @ w.T                      # (n, m): first dense product
    act = np.maximum(z, 0.0)
    r = act @ a - y
    g = np.empty_like(theta)
    g[:, 0] = act.T @ r / n
    s = (z > 0.0) * r[:, None]       # (n, m)
    g[:, 1:] = (s.T @ x) * (a[:, None] / n)   # second dense product
    return 0.5 * np.dot(r, r) / n, g


class Gradient:
    """loss_grad with preallocated buffers (out= everywhere): no large temporaries per call. Large temporaries cost
    page faults on every call here (glibc serves them with fresh mmaps; 10x slower at n = 500, m = 100)."""

    def __init__(self, x, y, m):
        n, d = x.shape
        self.x, self.y, self.n = x, y, n
        self.z = np.empty((n, m))
        self.act = np.empty((n, m))
        self.s = np.empty((n, m))
        self.r = np.empty(n)
        self.gw = np.empty((m, d))
        self.wt = np.empty((d, m))

    def __call__(self, theta, g):
        """Writes the gradient into g ((m, d+1) array); returns the loss."""
        a = theta[:, 0]
        np.copyto(self.wt, theta[:, 1:].T)
        np.matmul(self.x, self.wt, out=self.z)          # first dense product
        np.maximum(self.z, 0.0, out=self.act)
        np.matmul(self.act, a, out=self.r)
        self.r -= self.y
        np.matmul(self.r, self.act, out=g[:, 0])
        g[:, 0] /= self.n
        np.greater(self.z, 0.0, out=self.s)
        self.s *= self.r[:, None]
        np.matmul(self.s.T, self.x, out=self.gw)        # second dense product
        np.multiply(self.gw, (a / self.n)[:, None], out=g[:, 1:])
        return 0.5 * np.dot(self.r, self.r) / self.n


def rel_pred_diff(theta, ref, x):
    """Relative L2 difference of the predictions on x: |h_theta(x) - h_ref(x)| / |h_ref(x)|."""
    p, q = predict(theta, x), predict(ref, x)
    return float(np.linalg.norm(p - q) / np.linalg.norm(q))
