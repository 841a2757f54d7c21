#!/usr/bin/env python3
"""Side-by-side on a GPU: the benchmark's simulation written as a PyTorch or JAX user would write
it, against `signrate run --device cuda` at the same size.

The simulation is BM_CudaSmmQuadraticGaussian's: SMM (docs/components.md "Methods": v_1 = g_1,
v_t = (1 - beta) v_{t-1} + beta g_t with beta weighing the NEW gradient, x -= eta sign(v), sign(0)
= 0) with the Theorem 1 schedule (eta = d^-1/2 T^-3/4, beta = T^-1/2) on the d-scaled quadratic
f(x) = sum_i (L_i / 2) x_i^2 with L_i = 1 and x_1 = (1/sqrt d) 1, Gaussian noise of scale
sigma / sqrt(d) per coordinate (sigma = 1), R replicates x d coordinates, T steps, recording
||grad f(x_t)||_1 and ||grad f(x_t)||_2 at every step; M1 and M2 are their means over t.
State and arithmetic in float64, as in signrate. The random numbers are each library's own
(torch.randn, jax.random.normal), so M1 agrees with signrate's in law, not in bits.

Implementations: PyTorch eager (one kernel per operation, a Python loop over t), PyTorch
torch.compile of one step (Inductor fuses the step, including the random draws), JAX lax.scan
over t under jit. Each is timed after a warm-up (compilation excluded, reported apart);
coordinate-steps/s = d R steps / seconds. Falls back to the CPU when no GPU is there (for
testing); an implementation whose library is missing is listed as skipped, with the reason.

    python3 bench/gpu_compare.py                                   # the issue's three sizes
    python3 bench/gpu_compare.py --signrate build/signrate         # also signrate, and the ratio
    python3 bench/gpu_compare.py --device cpu --sizes 256,16,64    # a quick test without a GPU
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ISSUE_SIZES = [(1048576, 16, 2048), (1000, 64, 20000), (256, 16, 4096)]
L, A, SIGMA, SEED = 1.0, 1.0, 1.0, 1


def schedule(d, T):
    """Theorem 1 (docs/components.md "Schedules"): eta = d^-1/2 T^-3/4, beta = T^-1/2, from the
    run's T."""
    return d ** -0.5 * T ** -0.75, T ** -0.5


def mean_stderr(values):
    values = [float(v) for v in values]
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, float("nan")
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n)


# --------------------------------------------------------------------------------------------
# PyTorch


def torch_device(torch, requested):
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        sys.exit(f"gpu_compare: --device {requested}, but PyTorch sees no CUDA device")
    return requested


def torch_sync(torch, device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def smm_torch_eager(torch, d, R, T, steps, device):
    """The loop as written in eager PyTorch: about 12 kernel launches per step."""
    eta, beta = schedule(d, T)
    scale = SIGMA / math.sqrt(d)
    gen = torch.Generator(device=device)
    gen.manual_seed(SEED)
    x = torch.full((R, d), A / math.sqrt(d), dtype=torch.float64, device=device)
    v = torch.zeros_like(x)
    l1 = torch.empty((steps, R), dtype=torch.float64, device=device)
    l2 = torch.empty_like(l1)
    for t in range(steps):
        grad = L * x
        l1[t] = torch.linalg.vector_norm(grad, ord=1, dim=1)
        l2[t] = torch.linalg.vector_norm(grad, ord=2, dim=1)
        g = grad + scale * torch.randn(x.shape, generator=gen, dtype=torch.float64, device=device)
        if t == 0:
            v.copy_(g)  # v_1 = g_1
        else:
            v.mul_(1.0 - beta).add_(g, alpha=beta)
        x.sub_(eta * torch.sign(v))
    return l1, l2


def make_torch_compiled(torch, mode):
    def step(x, v, b, eta, scale):
        grad = L * x
        n1 = torch.linalg.vector_norm(grad, ord=1, dim=1)
        n2 = torch.linalg.vector_norm(grad, ord=2, dim=1)
        g = grad + scale * torch.randn_like(x)
        v = (1.0 - b) * v + b * g  # b = 1 at t = 1: v_1 = g_1
        x = x - eta * torch.sign(v)
        return x, v, n1, n2
    return torch.compile(step, mode=mode)


def smm_torch_compiled(torch, step, d, R, T, steps, device):
    eta, beta = schedule(d, T)
    scale = SIGMA / math.sqrt(d)
    torch.manual_seed(SEED)
    x = torch.full((R, d), A / math.sqrt(d), dtype=torch.float64, device=device)
    v = torch.zeros_like(x)
    one = torch.tensor(1.0, dtype=torch.float64, device=device)
    b = torch.tensor(beta, dtype=torch.float64, device=device)
    l1 = torch.empty((steps, R), dtype=torch.float64, device=device)
    l2 = torch.empty_like(l1)
    for t in range(steps):
        x, v, n1, n2 = step(x, v, one if t == 0 else b, eta, scale)
        l1[t] = n1
        l2[t] = n2
    return l1, l2


# --------------------------------------------------------------------------------------------
# JAX


def make_jax_run(jax, jnp, lax, d, R, T, steps):
    eta, beta = schedule(d, T)
    scale = SIGMA / math.sqrt(d)

    def body(carry, t):
        x, v, key = carry
        key, sub = jax.random.split(key)
        grad = L * x
        n1 = jnp.sum(jnp.abs(grad), axis=1)
        n2 = jnp.sqrt(jnp.sum(grad * grad, axis=1))
        g = grad + scale * jax.random.normal(sub, x.shape, dtype=jnp.float64)
        b = jnp.where(t == 0, 1.0, beta)  # v_1 = g_1
        v = (1.0 - b) * v + b * g
        x = x - eta * jnp.sign(v)
        return (x, v, key), (n1, n2)

    def run(x, v, key):
        _, (l1, l2) = lax.scan(body, (x, v, key), jnp.arange(steps))
        return l1, l2

    x = jnp.full((R, d), A / math.sqrt(d), dtype=jnp.float64)
    v = jnp.zeros_like(x)
    key = jax.random.PRNGKey(SEED)
    return jax.jit(run), (x, v, key)


# --------------------------------------------------------------------------------------------


def row(impl, d, R, T, steps, seconds=None, l1=None, note="", compile_s=None):
    r = {"impl": impl, "d": d, "R": R, "T": T, "steps_timed": steps}
    if seconds is not None:
        r["seconds"] = seconds
        r["coord_steps_per_s"] = d * R * steps / seconds
    if compile_s is not None:
        r["compile_s"] = compile_s
    if l1 is not None and steps == T:
        r["M1"], r["M1_stderr"] = mean_stderr(l1)
    if steps != T:
        note = (note + "; " if note else "") + f"timed {steps} of {T} steps"
    r["note"] = note
    return r


def run_signrate(path, d, R, T, device):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.json")
        cmd = [path, "run", "--d", str(d), "--replicates", str(R), "--T", str(T), "--out", out]
        if device != "cpu":
            cmd += ["--device", "cuda"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            return row("signrate", d, R, T, T, note=f"exit {proc.returncode}: {proc.stderr.strip()[:200]}"), None
        with open(out) as f:
            j = json.load(f)
    backend = j.get("engine", {}).get("backend", "cpu")
    r = row(f"signrate --device {backend}", d, R, T, T, seconds=j["engine"]["elapsed_s"])
    r["M1"], r["M1_stderr"] = j["metrics"]["M1"]["mean"], j["metrics"]["M1"]["stderr"]
    r["device_name"] = j.get("engine", {}).get("device_name", "")
    return r, r["coord_steps_per_s"]


def parse_sizes(text):
    sizes = []
    for item in text.replace(" ", "").split(";"):
        parts = item.split(",")
        if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
            raise argparse.ArgumentTypeError(f"'{item}' is not d,R,T with three positive integers")
        sizes.append(tuple(int(p) for p in parts))
    return sizes


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="auto", help="auto (cuda when there is one), cuda, cuda:N or cpu")
    p.add_argument("--sizes", type=parse_sizes, default=ISSUE_SIZES,
                   help="d,R,T;d,R,T;... (default: the issue's 1048576,16,2048;1000,64,20000;256,16,4096)")
    p.add_argument("--impl", default="eager,compile,jax", help="which to run: eager, compile, jax (default all)")
    p.add_argument("--max-steps", type=int, default=0,
                   help="time at most this many steps of each run (the schedule keeps the full T); 0 = all")
    p.add_argument("--compile-mode", default="default", help="torch.compile mode (default, reduce-overhead, ...)")
    p.add_argument("--signrate", metavar="PATH", help="also run PATH run --device cuda at each size")
    p.add_argument("--json", metavar="FILE", help="write the rows as JSON here")
    args = p.parse_args()
    impls = [s for s in args.impl.split(",") if s]
    for s in impls:
        if s not in ("eager", "compile", "jax"):
            p.error(f"--impl {s}: allowed are eager, compile, jax")
    if args.max_steps < 0:
        p.error("--max-steps must be >= 0")

    rows, info = [], {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    try:
        import torch
        info["torch"] = torch.__version__
    except ImportError as e:
        torch = None
        torch_missing = f"PyTorch not importable ({e})"
    device = torch_device(torch, args.device) if torch else ("cpu" if args.device == "auto" else args.device)
    if torch and device.startswith("cuda"):
        info["gpu"] = torch.cuda.get_device_name(torch.device(device))
    info["device"] = device

    jax = None
    if "jax" in impls:
        # JAX would take 75% of the GPU's memory at start; PyTorch and signrate need some too.
        os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
        try:
            import jax
            jax.config.update("jax_enable_x64", True)
            import jax.numpy as jnp
            from jax import lax
            info["jax"] = jax.__version__
            jax_device = jax.devices()[0]
            info["jax_device"] = str(jax_device)
            if device.startswith("cuda") and jax_device.platform != "gpu":
                jax_note = f"JAX runs on {jax_device.platform}, not the GPU"
            else:
                jax_note = ""
        except Exception as e:  # ImportError, or a broken jaxlib/CUDA combination
            jax = None
            jax_missing = f"JAX not usable ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})"

    compiled_step = None
    compile_missing = ""
    if torch and "compile" in impls:
        if not hasattr(torch, "compile"):
            compile_missing = f"torch.compile needs PyTorch >= 2.0 (this is {torch.__version__})"
        else:
            compiled_step = make_torch_compiled(torch, args.compile_mode)

    print(f"gpu_compare: device {device}" + (f" ({info['gpu']})" if "gpu" in info else "") +
          f"; torch {info.get('torch', '-')}, jax {info.get('jax', '-')}; float64", flush=True)
    for d, R, T in args.sizes:
        steps = min(T, args.max_steps) if args.max_steps else T
        if "eager" in impls:
            if torch is None:
                rows.append(row("pytorch-eager", d, R, T, steps, note=torch_missing))
            else:
                smm_torch_eager(torch, d, R, T, min(3, steps), device)  # warm-up: context, kernels
                torch_sync(torch, device)
                t0 = time.perf_counter()
                l1, _ = smm_torch_eager(torch, d, R, T, steps, device)
                torch_sync(torch, device)
                seconds = time.perf_counter() - t0
                rows.append(row("pytorch-eager", d, R, T, steps, seconds, l1.mean(0).tolist()))
        if "compile" in impls:
            if torch is None or compiled_step is None:
                rows.append(row("pytorch-compile", d, R, T, steps, note=torch_missing if torch is None else compile_missing))
            else:
                t0 = time.perf_counter()
                smm_torch_compiled(torch, compiled_step, d, R, T, min(3, steps), device)  # compiles both graphs
                torch_sync(torch, device)
                compile_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                l1, _ = smm_torch_compiled(torch, compiled_step, d, R, T, steps, device)
                torch_sync(torch, device)
                seconds = time.perf_counter() - t0
                rows.append(row("pytorch-compile", d, R, T, steps, seconds, l1.mean(0).tolist(),
                                note=f"mode {args.compile_mode}", compile_s=compile_s))
        if "jax" in impls:
            if jax is None:
                rows.append(row("jax-scan-jit", d, R, T, steps, note=jax_missing))
            else:
                run, inputs = make_jax_run(jax, jnp, lax, d, R, T, steps)
                t0 = time.perf_counter()
                compiled = run.lower(*inputs).compile()
                compile_s = time.perf_counter() - t0
                jax.block_until_ready(compiled(*inputs))  # warm-up: transfers, autotuning
                t0 = time.perf_counter()
                l1, _ = jax.block_until_ready(compiled(*inputs))
                seconds = time.perf_counter() - t0
                rows.append(row("jax-scan-jit", d, R, T, steps, seconds, l1.mean(0).tolist(),
                                note=jax_note, compile_s=compile_s))
        if args.signrate:
            r, rate = run_signrate(args.signrate, d, R, T, device)
            if rate:
                ratios = [f"{rate / x['coord_steps_per_s']:.1f}x {x['impl']}" for x in rows
                          if x["d"] == d and x["R"] == R and x["T"] == T and x.get("coord_steps_per_s")]
                r["note"] = ("; ".join(ratios)) if ratios else ""
            rows.append(r)
        for r in rows:
            if (r["d"], r["R"], r["T"]) == (d, R, T) and not r.get("_printed"):
                rate = f"{r['coord_steps_per_s']:.3e}" if "coord_steps_per_s" in r else "-"
                m1 = f"M1 {r['M1']:.5g} +- {r['M1_stderr']:.2g}" if "M1" in r else ""
                extra = "; ".join(s for s in (m1, r["note"], f"compile {r['compile_s']:.1f} s"
                                              if "compile_s" in r else "") if s)
                print(f"{r['impl']:<22} d={d:<8} R={R:<3} T={T:<6} {rate:>10} coord-steps/s  {extra}", flush=True)
                r["_printed"] = True
    for r in rows:
        r.pop("_printed", None)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"info": info, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
