"""Times the gradient of docs/THEORY.md section 1 (two dense products, 4 n m d flops) in NumPy, float64, at the sizes
given as n,m,d arguments; run with OMP_NUM_THREADS=1 (and OPENBLAS_NUM_THREADS=1) for one core. Same problem
shape as bench/Kernel/KernelProblem.cs: x ~ N(0, I), y = x_1 + 0.5 N(0, 1), balanced init at scale sqrt(m)
(about half the pairs active). Prints two lines per size, for the preallocated version (r1model.Gradient, out=
buffers) and the plain one (r1model.loss_grad, fresh temporaries): median ms and GFLOP/s, wall and thread CPU time."""
import os
import sys
import time

import numpy as np

import r1model as M


def main(sizes, repeats=15):
    print(f"numpy {np.__version__}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, load {os.getloadavg()[0]:.2f}")
    for s in sizes:
        n, m, d = map(int, s.split(","))
        rng = np.random.default_rng(1)
        x = rng.standard_normal((n, d))
        y = x[:, 0] + 0.5 * rng.standard_normal(n)
        w = rng.standard_normal((m, d))
        a = rng.choice([-1.0, 1.0], m) * np.linalg.norm(w, axis=1)
        theta = np.column_stack([a, w])     # scale sqrt(m) / sqrt(m) = 1
        flops = 4.0 * n * m * d
        grad, g = M.Gradient(x, y, m), np.empty_like(theta)
        for label, f in (("preallocated", lambda: grad(theta, g)), ("plain", lambda: M.loss_grad(theta, x, y))):
            t_end = time.perf_counter() + 0.3
            while time.perf_counter() < t_end:
                f()
            inner = max(1, int(2e7 / flops * 5))
            walls, cpus = [], []
            for _ in range(repeats):
                c0, w0 = time.thread_time(), time.perf_counter()
                for _ in range(inner):
                    f()
                walls.append((time.perf_counter() - w0) / inner)
                cpus.append((time.thread_time() - c0) / inner)
            tw, tc = float(np.median(walls)), float(np.median(cpus))
            print(f"n={n} m={m} d={d} {label:>12}: {tw * 1e3:.3f} ms {flops / tw / 1e9:.2f} GFLOP/s | "
                  f"thread CPU {tc * 1e3:.3f} ms {flops / tc / 1e9:.2f} GFLOP/s")


if __name__ == "__main__":
    main(sys.argv[1:] or ["10000,100,5", "100000,100,10"])
