#!/usr/bin/env python3
"""CTest ReadmeCommandsRunAsWritten: the documentation's commands, pasted as a user pastes them.

The files are README.md first, then every docs/*.md in sorted order, then each --file in the
order given (CTest passes tests/README.md). bench/README.md is not among them: its commands are
benchmarks that take minutes each or need a GPU or MPI ranks at scale, and the numbers under
them are one machine's on one day (bench/README.md says how and where each was measured).

A command is a line of an indented code block that begins with build/signrate, mpirun, bash,
cmake, for or PYTHONPATH=build/python (the Python module, docs/python.md), with its continuation lines (a trailing backslash; a for loop up to its done).
Lines `# -> TEXT` right after a command show what it prints: each must appear in its output
(stdout and stderr together), in order, where `*` stands for any text on the line (elapsed
times, rates). Numbers are compared as printed, so a stale number in a document fails.

The commands run one after another, exactly as written, file after file, in ONE scratch folder
holding a link `build` to the build tree, so a later command reads what an earlier one wrote
(`fit sweep.json`), also across files. Open MPI is told through its environment what a root user
in a container on 2 cores needs (the README says so beside its mpirun example). A command this
test cannot run is in ELSEWHERE (matched by its start, in any file), with where it is run
instead; a command neither run nor listed there fails the test, as does a command that exits
non-zero or does not print what its document shows, and an ELSEWHERE entry that no file holds.
Messages name the file and line, FILE:LINE, relative to the README's folder.

Usage: check_readme.py --readme README.md [--docs DIR] [--file FILE]... --build BUILD
                       [--only SUBSTRING] [--list] [--keep] [--show] [--timeout SECONDS]
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile
import time

STARTS = ("build/signrate", "mpirun ", "bash ", "cmake ", "for ", "PYTHONPATH=build/python ")

# Commands not run here (matched by their start, in any file), and where they are run instead.
ELSEWHERE = {
    "bash scripts/test.sh": ".ci/run runs it: it is the whole suite, this test included",
    "bash scripts/run.sh": ".ci/run runs it after the suite, in a scratch folder",
    "bash scripts/sanitize.sh": ".ci/run runs it after the normal job (a second, sanitized build "
    "and the whole suite again)",
    "cmake --install build": "InstalledPackageBuildsReadmeExample runs it, with a temporary prefix",
    "cmake -S docs/examples/cpp-api": "InstalledPackageBuildsReadmeExample runs it against that prefix",
    "cmake --build build-example": "InstalledPackageBuildsReadmeExample builds and runs the example",
    "for opt in smm signsgd sgdm adamw": "needs the CIFAR-10 files and a GPU (200 epochs); "
    "Train.* runs the same options on synthetic data",
    "build/signrate report smm.json signsgd.json": "reads the CIFAR-10 loop's JSONs; TrainReport.* draws "
    "the same page from train JSONs",
    "bash scripts/fetch-build-deps.sh": "downloads Debian packages for an offline GPU node: run by hand",
    "bash scripts/gpu-check.sh": "needs a GPU: run by hand on one (docs/gpu.md)",
    "build/signrate run --device cuda": "needs a GPU: scripts/gpu-check.sh runs specs with --device cpu "
    "and --device cuda and compares the JSONs; Cuda*.* compare the kernels' bits with the CPU's",
    "for opt in sgdm-dist:lr=0.1": "needs the CIFAR-100 files and 8 GPUs (200 epochs); MpiTrain.* runs "
    "signrate-mpi train on synthetic data",
    "mpirun -np N signrate-mpi train": "a synopsis (N and the options are placeholders); MpiTrain.* runs "
    "signrate-mpi train, and docs/training.md's 'Two small runs' runs it here",
    "mpirun --hostfile hosts.txt": "needs several machines with ssh between them and an installed "
    "signrate-mpi; MpiRuns.* run the same program under mpirun on one machine",
    "build/signrate verify thm4": "is refused by design (exit 2: the formula is not in our copy); "
    "DistributedCli.VerifyThm4IsRefusedAndThm5ExitsByItsVerdicts checks the exit code and the message",
}

MPI_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
    "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
}


def commands(doc_lines):
    """[(line number, command text, [expected output lines])] in document order."""
    out = []
    i = 0
    while i < len(doc_lines):
        line = doc_lines[i]
        body = line[4:] if line.startswith("    ") else None
        if body is None or not body.startswith(STARTS):
            i += 1
            continue
        start = i + 1
        text = [body]
        if body.startswith("for "):
            while not doc_lines[i].strip().startswith("done") and i + 1 < len(doc_lines):
                i += 1
                text.append(doc_lines[i][4:])
        else:
            while text[-1].rstrip().endswith("\\") and i + 1 < len(doc_lines):
                i += 1
                text.append(doc_lines[i][4:])
        expected = []
        while i + 1 < len(doc_lines) and doc_lines[i + 1].startswith("    # -> "):
            i += 1
            expected.append(doc_lines[i][len("    # -> "):].rstrip())
        out.append((start, "\n".join(text), expected))
        i += 1
    return out


def where_else(command):
    """(ELSEWHERE key, reason) for a command run elsewhere, else (None, None)."""
    for start, reason in ELSEWHERE.items():
        if command.startswith(start):
            return start, reason
    return None, None


def pattern(expected):
    """The regular expression of one `# -> ` line: literal, with * for any text on the line."""
    return re.compile(".*?".join(re.escape(part) for part in expected.split("*")))


def check_output(output, expected):
    """The expected lines missing from the output (each searched after the previous match)."""
    missing, at = [], 0
    for e in expected:
        m = pattern(e).search(output, at)
        if m is None:
            missing.append(e)
        else:
            at = m.end()
    return missing


def documents(args):
    """The files in the order their commands run: the README, docs/*.md sorted, then --file."""
    files = [args.readme]
    if args.docs:
        docs = sorted(glob.glob(os.path.join(args.docs, "*.md")))
        if not docs:
            sys.exit(f"check_readme: no *.md in {args.docs}")
        files += docs
    files += args.file or []
    seen, ordered = set(), []
    for f in files:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            ordered.append(f)
    return ordered


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readme", required=True, help="README.md: its commands run first")
    ap.add_argument("--docs", help="a folder whose *.md files run next, in sorted order")
    ap.add_argument("--file", action="append", help="a further file, run after the docs (repeatable)")
    ap.add_argument("--build", required=True)
    ap.add_argument("--only", help="run only the commands containing this text")
    ap.add_argument("--list", action="store_true", help="list the commands and what becomes of each")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--show", action="store_true", help="print each command's output (to update a document)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per command")
    args = ap.parse_args()
    root = os.path.dirname(os.path.abspath(args.readme))
    found = []  # (label FILE:LINE, command, expected)
    for path in documents(args):
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        name = os.path.relpath(os.path.abspath(path), root)
        cmds = commands(lines)
        if path == args.readme and not cmds:
            sys.exit("check_readme: no commands found in " + args.readme)
        found += [(f"{name}:{line}", command, expected) for line, command, expected in cmds]
    listed = set()
    scratch = tempfile.mkdtemp(prefix="signrate_readme_")
    os.symlink(os.path.abspath(args.build), os.path.join(scratch, "build"))
    env = dict(os.environ, **MPI_ENV)
    failures = []
    ran, elsewhere = 0, 0
    total_begin = time.time()
    for where, command, expected in found:
        key, reason = where_else(command)
        first = command.split("\n")[0]
        if reason is not None:
            listed.add(key)
            elsewhere += 1
            print(f"{where}: not run here ({reason}): {first}")
            if expected:
                failures.append(f"{where}: shows output for a command this test does not run")
            continue
        if args.list:
            print(f"{where}: runs, checks {len(expected)} output line(s): {first}")
            continue
        if args.only and args.only not in command:
            continue
        begin = time.time()
        try:
            p = subprocess.run(["bash", "-c", "set -euo pipefail\n" + command], cwd=scratch, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=args.timeout)
            code, output = p.returncode, p.stdout
        except subprocess.TimeoutExpired as e:
            partial = e.stdout or b""
            code, output = "timeout", partial.decode(errors="replace") if isinstance(partial, bytes) else partial
        seconds = time.time() - begin
        ran += 1
        missing = check_output(output, expected) if code == 0 else []
        status = "ok" if code == 0 and not missing else "FAILED"
        print(f"{where}: {status} in {seconds:.1f} s: {first}", flush=True)
        if args.show:
            print(output)
        if code != 0:
            failures.append(f"{where}: exit {code}:\n{command}\n--- output (end) ---\n{output[-3000:]}")
        for m in missing:
            failures.append(f"{where}: does not print what the document shows:\n  shown:   {m}\n"
                            f"--- output ---\n{output[-3000:]}")
    stale = [s for s in ELSEWHERE if s not in listed]
    for s in stale:
        failures.append(f"ELSEWHERE names '{s}', which is no longer a command of any file checked: remove it")
    if not args.keep:
        subprocess.run(["rm", "-rf", scratch])
    else:
        print("scratch folder kept:", scratch)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
    files = len({w.rsplit(":", 1)[0] for w, _, _ in found})
    if args.list:
        print(f"check_readme: {len(found)} commands in {files} files: {elsewhere} run elsewhere")
    else:
        print(f"check_readme: {len(found)} commands in {files} files: {ran} run as written in "
              f"{time.time() - total_begin:.0f} s, {elsewhere} run elsewhere")


if __name__ == "__main__":
    main()
