#!/usr/bin/env python3
"""CTest OutputsMatchSchemas: real outputs of the CLI validated against schemas/*.schema.json.

Runs `signrate run` (single node, distributed with S_R, one replicate, a problem with infinite
constants), `signrate-mpi` where given, `sweep` (plain and with --vary), `fit` of both, and `verify` (thm1, thm5) on small grids,
and validates every JSON they write against its schema (JSON Schema 2020-12, python3-jsonschema).
Then it checks that the schemas would catch a renamed key: in each output, keys at several depths
are renamed one at a time, and every such copy must fail validation.

Usage: check_schemas.py --cli build/signrate --schemas schemas [--mpi build/signrate-mpi [--mpiexec M]] [--keep]
"""
import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("check_schemas: python3-jsonschema is missing (bash scripts/install-deps.sh installs it)", file=sys.stderr)
    sys.exit(1)

BASE = "https://signrate.example/schemas/"


def fail(msg):
    print(f"check_schemas: {msg}", file=sys.stderr)
    sys.exit(1)


def load_validators(schema_dir):
    schemas = {}
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith(".schema.json"):
            with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                schemas[name] = json.load(f)
    for name, s in schemas.items():
        jsonschema.Draft202012Validator.check_schema(s)
        if s.get("$id") != BASE + name:
            fail(f"{name}: $id is {s.get('$id')!r}, expected {BASE + name!r}")
    try:  # jsonschema >= 4.18
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            [(BASE + n, Resource.from_contents(s)) for n, s in schemas.items()])
        make = lambda s: jsonschema.Draft202012Validator(s, registry=registry)
    except ImportError:  # Debian bookworm's 4.10
        store = {BASE + n: s for n, s in schemas.items()}
        make = lambda s: jsonschema.Draft202012Validator(
            s, resolver=jsonschema.RefResolver(base_uri=s["$id"], referrer=s, store=store))
    return {n.removesuffix(".schema.json"): make(s) for n, s in schemas.items()}


def errors_of(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def describe(errors, limit=5):
    lines = []
    for e in errors[:limit]:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path) or "(top)"
        lines.append(f"  at {path}: {e.message[:300]}")
    if len(errors) > limit:
        lines.append(f"  ... and {len(errors) - limit} more")
    return "\n".join(lines)


def run_cli(cli, args, ok_codes=(0,)):
    cmd = [cli] + args
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode not in ok_codes:
        fail(f"exit {p.returncode}: {' '.join(cmd)}\n{p.stdout[-3000:]}")


def shrunk(node):
    if isinstance(node, dict):
        return {k: shrunk(v) for k, v in node.items()}
    if isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
        return [shrunk(node[0])]
    return node


def renamed_copies(doc):
    """(description, copy) pairs, each with one key renamed: the top level's keys, and the first
    object found at each depth below (every key of it), down to depth 4."""
    out = []

    def walk(node, path, depth):
        if depth > 4:
            return
        if isinstance(node, dict):
            for k in list(node.keys()):
                out.append((path + [k],))
            for k, v in node.items():
                if isinstance(v, (dict, list)):
                    walk(v, path + [k], depth + 1)
        elif isinstance(node, list) and node:
            walk(node[0], path + [0], depth + 1)

    walk(doc, [], 0)
    copies = []
    for (path,) in out:
        c = copy.deepcopy(doc)
        parent = c
        for p in path[:-1]:
            parent = parent[p]
        key = path[-1]
        parent[key + "_renamed"] = parent.pop(key)
        copies.append((".".join(str(p) for p in path), c))
    return copies


# Keys whose rename a schema cannot catch: open maps (a component's parameters, a family's own
# declared numbers, --vary values, a verdict's name) and optional keys whose content is free.
OPEN_KEYS = ("spec.problem.", "spec.oracle.", "spec.method.", "spec.schedule.", "vary.", "grid.vary.",
             "verdicts.", "mpi.")


# problem_declared's fixed keys; any other is a family's own declared number (an open map).
PROBLEM_DECLARED = ("f_star", "delta", "L", "L_inf", "L_vec_l1", "L_vec_max", "G", "separable", "assumptions",
                    "heterogeneous", "centers")


def is_open(path):
    parts = path.split(".")
    if len(parts) >= 2 and parts[-2] == "problem_declared" and parts[-1] not in PROBLEM_DECLARED:
        return True
    for i in range(len(parts)):
        tail = ".".join(parts[i:]) + "."
        if any(tail.startswith(k) and tail != k for k in OPEN_KEYS):
            return True
    # a component's own parameters, e.g. points.0.spec.method.R
    return len(parts) >= 2 and parts[-2] in ("problem", "oracle", "method", "schedule") and parts[-1] != "name" \
        and "spec" in parts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--mpi", default="", help="signrate-mpi, whose output must match run.schema.json too")
    ap.add_argument("--mpiexec", default="mpirun")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    validators = load_validators(a.schemas)
    for needed in ("run", "sweep", "fit", "verify"):
        if needed not in validators:
            fail(f"no schemas/{needed}.schema.json")

    tmp = tempfile.mkdtemp(prefix="signrate-schemas-")
    try:
        o = lambda name: os.path.join(tmp, name)
        small = ["--replicates", "3", "--threads", "1"]
        outputs = []  # (schema, file)
        run_cli(a.cli, ["run", "--d", "16", "--T", "64"] + small + ["--out", o("run.json")])
        outputs.append(("run", "run.json"))
        run_cli(a.cli, ["run", "--d", "16", "--T", "64", "--replicates", "1", "--out", o("run-one.json")])
        outputs.append(("run", "run-one.json"))
        run_cli(a.cli, ["run", "--problem", "rosenbrock", "--oracle", "student-t:nu=1.5", "--method", "signsgd",
                        "--schedule", "constant:eta=0.0001,beta=0.1", "--d", "4", "--T", "32"] + small +
                ["--out", o("run-inf.json")])
        outputs.append(("run", "run-inf.json"))
        run_cli(a.cli, ["run", "--problem", "hetero-quadratic:centers=0/1/3", "--oracle", "uniform:sigma=0.1",
                        "--method", "mvsm-v2:R=5", "--schedule", "constant:eta=0.01,beta=0.1", "--nodes", "3",
                        "--byzantine", "1", "--d", "8", "--T", "64"] + small + ["--out", o("run-dist.json")])
        outputs.append(("run", "run-dist.json"))
        if a.mpi:
            # Open MPI as CI runs it (more ranks than cores, root, no cross-process copy), as tests/mpi does.
            version = subprocess.run([a.mpiexec, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
                                                         OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")).stdout
            launcher = ["timeout", "120", a.mpiexec, "-np", "2"]
            if "open-mpi.org" in version:
                launcher += ["--oversubscribe", "--allow-run-as-root", "--mca", "btl_vader_single_copy_mechanism",
                             "none"]
            run_cli(launcher[0], launcher[1:] + [a.mpi, "--method", "mvsm-v2:R=5", "--oracle", "uniform",
                                                 "--problem", "quadratic:a=0.5", "--d", "64", "--T", "100",
                                                 "--replicates", "2", "--out", o("run-mpi.json")])
            outputs.append(("run", "run-mpi.json"))
        run_cli(a.cli, ["sweep", "--d", "8,16,32", "--T", "64,128,256,512", "--replicates", "4", "--threads", "1",
                        "--out", o("sweep.json")])
        outputs.append(("sweep", "sweep.json"))
        run_cli(a.cli, ["sweep", "--d", "8,16", "--T", "64,128,256", "--vary", "oracle.sigma=0.5,1",
                        "--replicates", "4", "--threads", "1", "--out", o("sweep-vary.json")])
        outputs.append(("sweep", "sweep-vary.json"))
        run_cli(a.cli, ["sweep", "--method", "signsgd-mv", "--oracle", "uniform", "--nodes", "2,4", "--d", "8",
                        "--T", "64,128", "--replicates", "4", "--threads", "1", "--out", o("sweep-dist.json")])
        outputs.append(("sweep", "sweep-dist.json"))
        run_cli(a.cli, ["fit", o("sweep.json"), "--bootstrap", "100", "--part", "all", "--out", o("fit.json")])
        outputs.append(("fit", "fit.json"))
        run_cli(a.cli, ["fit", o("sweep-vary.json"), "--bootstrap", "100", "--part", "all",
                        "--out", o("fit-vary.json")])
        outputs.append(("fit", "fit-vary.json"))
        # A verdict may fail on grids this small (exit 3) or be undecided: only the format matters.
        verdict_codes = (0, 3, 4)
        run_cli(a.cli, ["verify", "thm1", "--d", "16,64", "--T", "256,1024,4096", "--replicates", "4",
                        "--bootstrap", "100", "--threads", "1", "--out", o("verify-thm1.json")], verdict_codes)
        outputs.append(("verify", "verify-thm1.json"))
        run_cli(a.cli, ["verify", "thm5", "--d", "4,16", "--T", "1024,2048,4096", "--nodes", "2", "--replicates", "4",
                        "--bootstrap", "100", "--threads", "1", "--out", o("verify-thm5.json")], verdict_codes)
        outputs.append(("verify", "verify-thm5.json"))

        bad = []
        docs = []
        for schema, name in outputs:
            with open(o(name), encoding="utf-8") as f:
                doc = json.load(f)
            docs.append((schema, name, doc))
            errs = errors_of(validators[schema], doc)
            if errs:
                bad.append(f"{name} does not match schemas/{schema}.schema.json:\n{describe(errs)}")
            else:
                print(f"ok  {name} matches schemas/{schema}.schema.json")
        if bad:
            fail("\n".join(bad))

        # Planted renames: every one must be caught. On a copy whose lists of objects keep only their
        # first item (which must still match), so that each rename is quick to check.
        missed = []
        checked = 0
        for schema, name, doc in docs:
            doc = shrunk(doc)
            errs = errors_of(validators[schema], doc)
            if errs:
                fail(f"{name} with one item per list does not match schemas/{schema}.schema.json:\n{describe(errs)}")
            for where, c in renamed_copies(doc):
                if is_open(where):
                    continue
                checked += 1
                if not errors_of(validators[schema], c):
                    missed.append(f"{name}: renaming {where} still matches schemas/{schema}.schema.json")
        if missed:
            fail(f"{len(missed)} renamed keys not caught:\n" + "\n".join(missed[:40]))
        print(f"ok  {checked} renamed keys each fail validation")
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("check_schemas: ok")


if __name__ == "__main__":
    main()
