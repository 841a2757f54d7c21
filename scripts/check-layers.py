#!/usr/bin/env python3
"""Fails when a file includes a header of a higher layer, a peer layer, or another layer's private header.

The layers, lowest first, are the table LAYERS below (the same as CMakeLists.txt's targets and
docs/architecture.md's "Layers"). A file may include its own layer's files and the public headers
(include/) of the layers below it. Every #include "..." of every source file in the tree is resolved as the
compiler does (beside the including file, then include/, the only include folder) and checked; each
violation is one line, and the exit status is 1 when there is any.

  scripts/check-layers.py [--root DIR]   check the tree at DIR (default: this script's repository)
  scripts/check-layers.py --self-test    plant violations in a temporary tree and check they are caught
"""
import argparse
import os
import re
import sys
import tempfile

# (layer, rank, files and folders). A higher rank may include a lower one; equal ranks are peers,
# which may not include each other. A path ending in "/" is a folder; the longest match wins.
CORE_HEADERS = [
    "canonical_sum", "checked_file", "component_table", "coordinate_step", "distributed", "distributed_step", "error", "exact_pow",
    "experiment", "gpu_plan", "hd", "hd_math", "method", "method_step", "oracle", "oracle_law", "output_files",
    "problem", "recorder", "rng", "run_result", "run_spec", "run_summary", "schedule", "single_tile", "spec",
    "progress", "recipe", "stages", "text", "unbiased_sign", "version"
]
LAYERS = [
    ("core", 0, [f"include/signrate/{h}.hpp" for h in CORE_HEADERS] + [
        "include/signrate/oracles/", "oracles/", "problems/", "src/spec.cpp", "src/exact_pow.cpp",
        "src/method.cpp", "src/schedule.cpp", "src/experiment.cpp", "src/run_spec.cpp", "src/run_summary.cpp",
        "src/distributed_method.cpp", "src/output_files.cpp", "src/checked_file.cpp", "src/text.cpp", "src/progress.cpp"
    ]),
    ("engine", 1, [
        "include/signrate/engine.hpp", "include/signrate/replicate_metrics.hpp",
        "include/signrate/replicate_pool.hpp", "include/signrate/distributed_nodes.hpp",
        "include/signrate/memory_plan.hpp", "src/engine.cpp", "src/engine/", "src/cpu/",
        "include/signrate/cuda_check.hpp", "src/cuda/"
    ]),
    ("workloads", 1, ["include/signrate/workloads/", "workloads/"]),
    ("analysis", 2, [
        "include/signrate/analysis/", "include/signrate/sweep.hpp", "include/signrate/sweep_result.hpp",
        "analysis/", "src/sweep.cpp"
    ]),
    ("io", 3, ["include/signrate/io/", "src/io/"]),
    ("frontend", 4, ["include/signrate/frontend/", "src/frontend/"]),
    ("cli", 5, ["src/cli/"]),
    ("mpi", 5, ["include/signrate/mpi/", "src/mpi/"]),
    ("python", 5, ["python/"]),  # the Python module (a peer of the CLI)
    ("tests", 6, ["tests/"]),
    ("bench", 6, ["bench/"]),
    ("examples", 6, ["docs/examples/"]),  # users of the installed package (cmake/install.cmake)
]
PUBLIC_DIR = "include"
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".cc", ".cu", ".cuh")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def layer_of(path):
    """The (name, rank) of the layer holding `path` (relative, with "/"), or None."""
    best, best_len = None, -1
    for name, rank, entries in LAYERS:
        for entry in entries:
            hit = path.startswith(entry) if entry.endswith("/") else path == entry
            if hit and len(entry) > best_len:
                best, best_len = (name, rank), len(entry)
    return best


def source_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        # Skip hidden folders and build trees (any folder holding a CMakeCache.txt, or build*).
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not d.startswith("build") and
                             not os.path.exists(os.path.join(dirpath, d, "CMakeCache.txt")))
        for f in sorted(filenames):
            if f.endswith(SOURCE_SUFFIXES):
                yield os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/")


def resolve(root, including, target):
    """Where the compiler finds `#include "target"` from `including`: beside it, then include/."""
    for base in (os.path.dirname(including), PUBLIC_DIR):
        candidate = os.path.normpath(os.path.join(base, target)).replace(os.sep, "/")
        if os.path.isfile(os.path.join(root, candidate)):
            return candidate
    return None


def check(root):
    """One line per violation in the tree at `root`."""
    violations = []
    for path in source_files(root):
        own = layer_of(path)
        if own is None:
            violations.append(f"{path}: not in any layer (add it to the table in scripts/check-layers.py)")
            continue
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
        for number, line in enumerate(lines, 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            target = m.group(1)
            where = f"{path}:{number}"
            found = resolve(root, path, target)
            if found is None:
                hint = " (the repository root is not an include folder)" if os.path.isfile(
                    os.path.join(root, target)) else ""
                violations.append(f"{where} includes {target}: not beside it nor under {PUBLIC_DIR}/{hint}")
                continue
            other = layer_of(found)
            if other is None:
                violations.append(f"{where} includes {target}: {found} is not in any layer")
            elif other[0] == own[0]:
                continue
            elif other[1] >= own[1]:
                kind = "a higher layer" if other[1] > own[1] else "a peer layer"
                violations.append(f"{where} includes {target}: {own[0]} may not include {other[0]} ({kind})")
            elif not found.startswith(PUBLIC_DIR + "/"):
                violations.append(f"{where} includes {target}: {found} is private to {other[0]} "
                                  f"(only {PUBLIC_DIR}/ is public)")
    return violations


def self_test():
    """Plants each kind of violation in a temporary tree; the check must report exactly those."""
    files = {
        "include/signrate/spec.hpp": "#pragma once\n",
        "include/signrate/engine.hpp": '#pragma once\n#include "signrate/spec.hpp"\n',
        "include/signrate/sweep.hpp": '#pragma once\n#include "signrate/engine.hpp"\n',
        "include/signrate/mpi/wire.hpp": "#pragma once\n",
        "src/spec.cpp": '#include "signrate/spec.hpp"\n',
        "src/cpu/cpu_engine.hpp": "#pragma once\n",
        "src/cpu/engine.cpp": '#include "cpu_engine.hpp"\n#include "signrate/sweep.hpp"\n',
        "src/engine.cpp": '#include "cpu/cpu_engine.hpp"\n',
        "src/cli/main.cpp": '#include "signrate/mpi/wire.hpp"\n#include "signrate/engine.hpp"\n',
        "tests/test_x.cpp": '#include "../src/cpu/cpu_engine.hpp"\n#include "src/spec.cpp"\n',
        "stray/x.cpp": "",
    }
    expected = [
        "src/cli/main.cpp:1 includes signrate/mpi/wire.hpp: cli may not include mpi (a peer layer)",
        "src/cpu/engine.cpp:2 includes signrate/sweep.hpp: engine may not include analysis (a higher layer)",
        "stray/x.cpp: not in any layer (add it to the table in scripts/check-layers.py)",
        "tests/test_x.cpp:1 includes ../src/cpu/cpu_engine.hpp: src/cpu/cpu_engine.hpp is private to engine "
        "(only include/ is public)",
        "tests/test_x.cpp:2 includes src/spec.cpp: not beside it nor under include/ "
        "(the repository root is not an include folder)",
    ]
    with tempfile.TemporaryDirectory() as root:
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(text)
        got = sorted(check(root))
        os.remove(os.path.join(root, "stray/x.cpp"))
        for path in ("src/cpu/engine.cpp", "src/cli/main.cpp", "tests/test_x.cpp"):
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write('#include "signrate/spec.hpp"\n')
        clean = check(root)
    ok = got == sorted(expected) and not clean
    if not ok:
        print("check-layers self-test failed", file=sys.stderr)
        print("expected:\n  " + "\n  ".join(sorted(expected)), file=sys.stderr)
        print("got:\n  " + "\n  ".join(got), file=sys.stderr)
        print("on the clean tree:\n  " + "\n  ".join(clean), file=sys.stderr)
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        help="the repository to check (default: this script's)")
    parser.add_argument("--self-test", action="store_true", help="check that planted violations are caught")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    violations = check(args.root)
    for v in violations:
        print(v, file=sys.stderr)
    if violations:
        print(f"check-layers: {len(violations)} backward or private include(s); the layers are in "
              "scripts/check-layers.py", file=sys.stderr)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
