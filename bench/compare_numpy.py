#!/usr/bin/python3
"""Side-by-side: the benchmark's simulation (SMM, Theorem 1 schedule, d-scaled quadratic, Gaussian
noise) written as a vectorized NumPy loop over replicates x d, timed the same way as
BM_SmmQuadraticGaussian: nanoseconds per coordinate-step on one thread.

    OMP_NUM_THREADS=1 python3 bench/compare_numpy.py --d 10000 --replicates 64 --T 16
"""
import argparse
import time

import numpy as np


def smm_quadratic_gaussian(d, replicates, T, seed=1):
    rng = np.random.default_rng(seed)
    L, a, sigma = 1.0, 1.0, 1.0
    eta, beta = d ** -0.5 * T ** -0.75, T ** -0.5
    x = np.full((replicates, d), a / np.sqrt(d))
    v = np.zeros_like(x)
    m1 = np.zeros(replicates)
    noise = np.empty_like(x)
    for t in range(1, T + 1):
        grad = L * x
        m1 += np.abs(grad).sum(axis=1)
        rng.standard_normal(out=noise)
        g = grad + (sigma / np.sqrt(d)) * noise
        if t == 1:
            v[:] = g
        else:
            v *= 1 - beta
            v += beta * g
        x -= eta * np.sign(v)
    return m1 / T


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--d", type=int, default=10000)
    p.add_argument("--replicates", type=int, default=64)
    p.add_argument("--T", type=int, default=16)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        m1 = smm_quadratic_gaussian(args.d, args.replicates, args.T)
        best = min(best, time.perf_counter() - start)
    steps = args.d * args.replicates * args.T
    print(f"numpy {np.__version__}: {best / steps * 1e9:.2f} ns/coord_step "
          f"(d={args.d}, replicates={args.replicates}, T={args.T}, M1 mean {m1.mean():.4f})")


if __name__ == "__main__":
    main()
