#!/usr/bin/env python3
"""CTest ReadmeCommandsRunAsWritten: the README's commands, pasted as a user pastes them.

A command is a line of an indented code block that begins with build/signrate, mpirun, bash,
cmake or for, with its continuation lines (a trailing backslash; a for loop up to its done).
Lines `# -> TEXT` right after a command show what it prints: each must appear in its output
(stdout and stderr together), in order, where `*` stands for any text on the line (elapsed
times, rates). Numbers are compared as printed, so a stale README number fails.

The commands run one after another, exactly as written, in one scratch folder holding a link
`build` to the build tree, so a later command reads what an earlier one wrote (`fit sweep.json`).
Open MPI is told through its environment what a root user in a container on 2 cores needs (the
README says so beside the mpirun example). A command this test cannot run is in ELSEWHERE, with
where it is run instead; a README command neither run nor listed there fails the test, as does
a command that exits non-zero or does not print what the README shows.

Usage: check_readme.py --readme README.md --build BUILD [--only SUBSTRING] [--list] [--keep] [--show]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

STARTS = ("build/signrate", "mpirun ", "bash ", "cmake ", "for ")

# Commands not run here (matched by their start), and where they are run instead.
ELSEWHERE = {
    "bash scripts/test.sh": ".ci/run runs it: it is the whole suite, this test included",
    "bash scripts/run.sh": ".ci/run runs it after the suite, in a scratch folder",
    "cmake --install build": "InstalledPackageBuildsReadmeExample runs it, with a temporary prefix",
    "cmake -S docs/examples/cpp-api": "InstalledPackageBuildsReadmeExample runs it against that prefix",
    "cmake --build build-example": "InstalledPackageBuildsReadmeExample builds and runs the example",
    "for opt in smm signsgd sgdm adamw": "needs the CIFAR-10 files and a GPU (200 epochs); "
    "Train.* runs the same options on synthetic data",
    "build/signrate report smm.json signsgd.json": "reads the CIFAR-10 loop's JSONs; TrainReport.* draws "
    "the same page from train JSONs",
    "bash scripts/fetch-build-deps.sh": "downloads Debian packages for an offline GPU node: run by hand",
    "bash scripts/gpu-check.sh": "needs a GPU: run by hand on one (README, GPU section)",
    "for opt in sgdm-dist:lr=0.1": "needs the CIFAR-100 files and 8 GPUs (200 epochs); MpiTrain.* runs "
    "signrate-mpi train on synthetic data",
}

MPI_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
    "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
}


def commands(readme_lines):
    """[(line number, command text, [expected output lines])] in README order."""
    out = []
    i = 0
    while i < len(readme_lines):
        line = readme_lines[i]
        body = line[4:] if line.startswith("    ") else None
        if body is None or not body.startswith(STARTS):
            i += 1
            continue
        start = i + 1
        text = [body]
        if body.startswith("for "):
            while not readme_lines[i].strip().startswith("done") and i + 1 < len(readme_lines):
                i += 1
                text.append(readme_lines[i][4:])
        else:
            while text[-1].rstrip().endswith("\\") and i + 1 < len(readme_lines):
                i += 1
                text.append(readme_lines[i][4:])
        expected = []
        while i + 1 < len(readme_lines) and readme_lines[i + 1].startswith("    # -> "):
            i += 1
            expected.append(readme_lines[i][len("    # -> "):].rstrip())
        out.append((start, "\n".join(text), expected))
        i += 1
    return out


def where_else(command):
    for start, reason in ELSEWHERE.items():
        if command.startswith(start):
            return reason
    return None


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readme", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--only", help="run only the commands containing this text")
    ap.add_argument("--list", action="store_true", help="list the commands and what becomes of each")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--show", action="store_true", help="print each command's output (to update the README)")
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args()
    with open(args.readme, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found = commands(lines)
    if not found:
        sys.exit("check_readme: no commands found in " + args.readme)
    listed = set()
    scratch = tempfile.mkdtemp(prefix="signrate_readme_")
    os.symlink(os.path.abspath(args.build), os.path.join(scratch, "build"))
    env = dict(os.environ, **MPI_ENV)
    failures = []
    for line, command, expected in found:
        reason = where_else(command)
        first = command.split("\n")[0]
        if reason is not None:
            listed.add(next(s for s in ELSEWHERE if command.startswith(s)))
            print(f"README:{line}: not run here ({reason}): {first}")
            if expected:
                failures.append(f"README:{line}: shows output for a command this test does not run")
            continue
        if args.list:
            print(f"README:{line}: runs, checks {len(expected)} output line(s): {first}")
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
        missing = check_output(output, expected) if code == 0 else []
        status = "ok" if code == 0 and not missing else "FAILED"
        print(f"README:{line}: {status} in {seconds:.1f} s: {first}")
        if args.show:
            print(output)
        if code != 0:
            failures.append(f"README:{line}: exit {code}:\n{command}\n--- output (end) ---\n{output[-3000:]}")
        for m in missing:
            failures.append(f"README:{line}: does not print what the README shows:\n  shown:   {m}\n"
                            f"--- output ---\n{output[-3000:]}")
    stale = [s for s in ELSEWHERE if s not in listed]
    for s in stale:
        failures.append(f"ELSEWHERE names '{s}', which is no longer a README command: remove it")
    if not args.keep:
        subprocess.run(["rm", "-rf", scratch])
    else:
        print("scratch folder kept:", scratch)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
    print(f"check_readme: {len(found)} commands: every one runs as written or is run elsewhere")


if __name__ == "__main__":
    main()
