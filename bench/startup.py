#!/usr/bin/env python3
"""Start-up time of signrate's commands: the median wall time of N runs of a command that does
almost nothing (d = 1, T = 1, one replicate), beside the same for `--version` and, where given, an
older binary (bench/README.md, "Start-up").

  python3 bench/startup.py [--runs N] [--before OLD_SIGNRATE] [BUILD_DIR]
"""
import argparse
import os
import platform
import statistics
import subprocess
import time


def median_seconds(argv, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--before", help="an older signrate binary to time beside this one")
    a = ap.parse_args()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# {time.strftime('%Y-%m-%d')}, {cpu}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"# median (min) of {a.runs} runs, seconds")
    binaries = [("signrate", os.path.join(a.build, "signrate"))]
    if a.before:
        binaries.insert(0, ("before", a.before))
    commands = [["--version"], ["run", "--d", "1", "--T", "1", "--replicates", "1", "--out", "/dev/null"]]
    for name, path in binaries:
        for args in commands:
            med, low = median_seconds([path] + args, a.runs)
            print(f"{name:9s} {' '.join(args):55s} {med:.4f} ({low:.4f})")
    train = os.path.join(a.build, "signrate-train")
    if os.path.exists(train):
        med, low = median_seconds([os.path.join(a.build, "signrate"), "train", "--help"], a.runs)
        print(f"{'signrate':9s} {'train --help (starts signrate-train)':55s} {med:.4f} ({low:.4f})")


if __name__ == "__main__":
    main()
