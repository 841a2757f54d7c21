#!/usr/bin/env python3
"""Compares two `signrate run` JSON outputs bit for bit: every number, string and null of the two
documents must be equal, except under the keys that describe where and how fast a run went
(the top-level `engine` and `command`, the latter being the command line that differs in its
`--device`, and a `device` key anywhere: the device is not part of the spec that determines the
numbers). Doubles are compared as doubles (JSON holds them round-trip exact), so equal means the
same bits; a difference is shown with both values and its distance in units in the last place.

    scripts/compare-runs.py CPU.json CUDA.json        # exit 0 identical, 1 different, 2 bad input

With --summary, prints one line: the count of numbers compared and the two engines' elapsed_s.
"""
import argparse
import json
import math
import struct
import sys

IGNORED_TOP = {"engine", "command"}
IGNORED = {"device"}


def ulp_distance(a, b):
    """Distance between two finite doubles in units in the last place (ordered bit patterns)."""
    def ordered(x):
        (i,) = struct.unpack("<q", struct.pack("<d", x))
        return i if i >= 0 else -(1 << 63) - i
    return abs(ordered(a) - ordered(b))


def walk(a, b, path, out, counter):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key in IGNORED or (path == "" and key in IGNORED_TOP):
                continue
            if key not in a or key not in b:
                out.append(f"{path}/{key}: only in {'the first' if key in a else 'the second'}")
                continue
            walk(a[key], b[key], f"{path}/{key}", out, counter)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} against {len(b)} items")
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}/{i}", out, counter)
    elif isinstance(a, bool) or isinstance(b, bool) or not (
            isinstance(a, (int, float)) and isinstance(b, (int, float))):
        counter[0] += 1
        if a != b or type(a) is not type(b):
            out.append(f"{path}: {a!r} against {b!r}")
    else:
        counter[0] += 1
        fa, fb = float(a), float(b)
        same = (fa == fb and math.copysign(1, fa) == math.copysign(1, fb)) or (math.isnan(fa) and math.isnan(fb))
        if not same:
            if isinstance(a, int) and isinstance(b, int):
                out.append(f"{path}: {a!r} against {b!r}")
            else:
                ulps = ulp_distance(fa, fb) if math.isfinite(fa) and math.isfinite(fb) else "inf"
                out.append(f"{path}: {a!r} against {b!r} ({ulps} ulp)")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"compare-runs: cannot read {path}: {e}", file=sys.stderr)
        sys.exit(2)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("first")
    p.add_argument("second")
    p.add_argument("--max-shown", type=int, default=10, help="differences to print (default 10)")
    p.add_argument("--summary", action="store_true", help="print one line when identical")
    args = p.parse_args()
    a, b = load(args.first), load(args.second)
    if "metrics" not in a or "metrics" not in b:
        print("compare-runs: both files must be `signrate run` outputs (a `metrics` object)", file=sys.stderr)
        sys.exit(2)
    diffs, counter = [], [0]
    walk(a, b, "", diffs, counter)
    if diffs:
        print(f"compare-runs: {len(diffs)} of {counter[0]} values differ between {args.first} and {args.second}:")
        for d in diffs[:args.max_shown]:
            print("  " + d)
        if len(diffs) > args.max_shown:
            print(f"  ... and {len(diffs) - args.max_shown} more")
        sys.exit(1)
    if args.summary:
        ea, eb = a.get("engine", {}), b.get("engine", {})
        print(f"identical: {counter[0]} values; {ea.get('backend', '?')} {ea.get('elapsed_s', '?')} s, "
              f"{eb.get('backend', '?')} {eb.get('elapsed_s', '?')} s")


if __name__ == "__main__":
    main()
