#!/usr/bin/env python3
"""Every oracle's cost beside the Gaussian's, and the same simulation in NumPy and PyTorch, in one
run on one core (issue 14's table and its side-by-side).

signrate: `signrate run` with SMM and the theorem1 schedule on the d-scaled quadratic, for each
oracle below, at the issue's size (d = 4096, T = 512, 32 replicates, --threads 1); the time is the
JSON's engine.elapsed_s (the engine alone, no start-up or output), best of --repeats rounds that each
run every configuration once (so the machine's drift touches all alike), as ns per coordinate-step
(elapsed / (d T R)).

NumPy and PyTorch (CPU, one thread): the same SMM loop as their users would write it, vectorized
over R x d (v = (1 - beta) v + beta g; x -= eta sign(v); ||grad||_1 and ||grad||_2 every step),
with Gaussian noise (numpy standard_normal, torch.randn) and Student-t noise with nu = 3
(numpy standard_t, torch.distributions.StudentT), scaled to the oracle's per-coordinate variance
sigma^2 / d. Their random numbers are their own, so M1 agrees with signrate's in law, not in bits
(printed as a check that each simulates the same thing).

Then, in the same run, the issue's other targets: EF-signSGD and the extrapolating signSGD-SIM
against SMM (Gaussian noise, one thread), and SMM with --threads 2 against --threads 1.

    python3 bench/compare_oracles.py --signrate build/signrate [--repeats 5] [--skip-python]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ORACLES = ["gaussian", "separable-gaussian", "uniform", "rademacher", "two-point:p=0.2", "bimodal:m=0.9",
           "lomax:alpha=3", "student-t:nu=3", "lognormal:s=1"]
SIGMA = 1.0


# Issue 14's other targets, measured in the same run: the other methods on the fast path against SMM
# (Gaussian noise, one thread), and two threads against one.
METHODS = [("ef-signsgd", "constant:eta=0.001"), ("signsgd-sim:extrapolate=1", "theorem2")]
THREADED = ["gaussian", "student-t:nu=3"]


def signrate_run(exe, out, d, T, R, oracle, method="smm", schedule="theorem1", threads=1):
    """(ns per coordinate-step, M1) of one `signrate run`, from the engine's own elapsed time."""
    subprocess.run([exe, "run", "--method", method, "--schedule", schedule, "--oracle", oracle,
                    "--d", str(d), "--T", str(T), "--replicates", str(R), "--threads", str(threads),
                    "--quiet", "--out", out], check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        j = json.load(f)
    return j["engine"]["elapsed_s"] / (d * T * R) * 1e9, j["metrics"]["M1"]["mean"]


def signrate_best(exe, configs, d, T, R, repeats):
    """{config: (best ns, M1)} over `repeats` rounds, each round running every config once, so a
    drift of the machine's speed (this VM's varies by 20%) touches every config alike."""
    best = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.json")
        for _ in range(repeats):
            for c in configs:
                ns, m1 = signrate_run(exe, out, d, T, R, *c)
                best[c] = (min(ns, best.get(c, (float("inf"),))[0]), m1)
    return best


def smm_loop(xp, noise, d, T, R):
    """The SMM simulation with array module xp (numpy or torch) and noise(shape) -> draws."""
    eta, beta = d ** -0.5 * T ** -0.75, T ** -0.5
    x = xp.full((R, d), d ** -0.5, dtype=xp.float64)
    v = xp.zeros((R, d), dtype=xp.float64)
    s1 = xp.zeros(R, dtype=xp.float64)
    for t in range(T):
        grad = x  # f = sum x_i^2 / 2 with L_i = 1
        s1 += xp.abs(grad).sum(1)
        _ = (grad * grad).sum(1)  # ||grad||_2^2, as the engine records it every step
        g = grad + noise((R, d))
        v = g if t == 0 else (1 - beta) * v + beta * g
        x = x - eta * xp.sign(v)
    return float((s1 / T).mean())


def timed_loop(xp, noise, d, T, R, repeats):
    """(ns per coordinate-step, best of repeats; M1) of smm_loop."""
    best, m1 = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        m1 = smm_loop(xp, noise, d, T, R)
        best = min(best, time.perf_counter() - start)
    return best / (d * T * R) * 1e9, m1


def numpy_ns(law, d, T, R, repeats):
    import numpy as np
    rng = np.random.default_rng(1)
    scale = SIGMA / math.sqrt(d)
    if law == "gaussian":
        noise = lambda shape: scale * rng.standard_normal(shape)
    else:
        noise = lambda shape: scale * math.sqrt(1 / 3) * rng.standard_t(3, shape)  # nu = 3: variance 3
    np_module = type("np", (), {"full": np.full, "zeros": np.zeros, "float64": np.float64, "abs": np.abs,
                                "sign": np.sign})
    return timed_loop(np_module, noise, d, T, R, repeats) + ("numpy " + np.__version__,)


def torch_ns(law, d, T, R, repeats):
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(1)
    scale = SIGMA / math.sqrt(d)
    if law == "gaussian":
        noise = lambda shape: scale * torch.randn(shape, dtype=torch.float64)
    else:
        t3 = torch.distributions.StudentT(torch.tensor(3.0, dtype=torch.float64))
        noise = lambda shape: scale * math.sqrt(1 / 3) * t3.sample(shape)
    torch_module = type("torch", (), {"full": torch.full, "zeros": torch.zeros, "float64": torch.float64,
                                      "abs": torch.abs, "sign": torch.sign})
    return timed_loop(torch_module, noise, d, T, R, repeats) + ("torch " + torch.__version__,)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--signrate", default="build/signrate", help="the signrate CLI")
    p.add_argument("--d", type=int, default=4096)
    p.add_argument("--T", type=int, default=512)
    p.add_argument("--replicates", type=int, default=32)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--skip-python", action="store_true",
                   help="signrate's rows only (to compare two builds without the NumPy and PyTorch minutes)")
    a = p.parse_args()
    d, T, R = a.d, a.T, a.replicates
    print(f"one core, d = {d}, T = {T}, {R} replicates, SMM with theorem1; best of {a.repeats}")
    print(f"{'implementation':<34} {'ns/coord-step':>13} {'x Gaussian':>10} {'M1':>8}")
    configs = [(o,) for o in ORACLES] + [("gaussian", m, sch) for m, sch in METHODS]
    configs += [(o, "smm", "theorem1", 2) for o in THREADED]
    best = signrate_best(a.signrate, configs, d, T, R, a.repeats)
    gaussian = best[("gaussian",)][0]
    for oracle in ORACLES:
        ns, m1 = best[(oracle,)]
        print(f"{'signrate ' + oracle:<34} {ns:13.2f} {ns / gaussian:10.2f} {m1:8.4f}")
    for law, oracle in (() if a.skip_python else (("gaussian", "gaussian"), ("student-t", "student-t:nu=3"))):
        ours = best[(oracle,)][0]
        for run in (numpy_ns, torch_ns):
            try:
                ns, m1, name = run(law, d, T, R, a.repeats)
            except ImportError as e:
                print(f"{run.__name__[:-3]} {law}: skipped ({e})")
                continue
            print(f"{name + ' ' + law:<34} {ns:13.2f} {ns / gaussian:10.2f} {m1:8.4f}"
                  f"   signrate's {oracle}: {ns / ours:.1f}x this speed")
    print(f"\nmethods, Gaussian noise (x SMM, SMM {gaussian:.2f} ns)")
    for method, schedule in METHODS:
        ns = best[("gaussian", method, schedule)][0]
        print(f"{'signrate ' + method + ' ' + schedule:<46} {ns:13.2f} {ns / gaussian:10.2f}")
    print("\nthreads, SMM (x speed of --threads 1)")
    for oracle in THREADED:
        one, two = best[(oracle,)][0], best[(oracle, "smm", "theorem1", 2)][0]
        print(f"{'signrate ' + oracle + ' --threads 2':<46} {two:13.2f} {one / two:10.2f}   (--threads 1: {one:.2f})")

if __name__ == "__main__":
    main()
