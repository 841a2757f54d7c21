#!/usr/bin/env python3
"""CTest InstalledPackageBuildsReadmeExample: the CMake package as a user meets it.

1. docs/architecture.md ("The C++ API and the CMake package") shows
   docs/examples/cpp-api/CMakeLists.txt and main.cpp verbatim (the indented block after the line
   naming each file).
2. `cmake --install BUILD --prefix TMP/prefix` installs the libraries, headers, CLI and
   signrateConfig.cmake (+ version file).
3. That example is configured with find_package(signrate) against TMP/prefix alone, built, and run:
   it must exit 0 (every verdict holds; it prints the verdict table).
4. Every installed header compiles on its own against the package alone (one translation unit each
   would be slow; one that includes them all, in a second consumer project, catches a header that
   needs a file the package does not install).
5. The installed CLI runs (`signrate --version`).
Usage: check_installed_package.py --build BUILD --source SOURCE [--cxx COMPILER] [--keep]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

EXAMPLE = "docs/examples/cpp-api"
DOC = "docs/architecture.md"  # where the example is shown


def fail(msg):
    print(f"check_installed_package: {msg}", file=sys.stderr)
    sys.exit(1)


def doc_block(doc_lines, name):
    """The indented code block that follows the line of DOC naming `name`, dedented by 4."""
    for i, line in enumerate(doc_lines):
        if f"`{name}`" in line and line.rstrip().endswith(":"):
            j = i + 1
            while j < len(doc_lines) and doc_lines[j].strip() == "":
                j += 1
            block = []
            while j < len(doc_lines) and (doc_lines[j].startswith("    ") or doc_lines[j].strip() == ""):
                block.append(doc_lines[j][4:] if doc_lines[j].strip() else "")
                j += 1
            while block and block[-1] == "":
                block.pop()
            return "\n".join(block) + "\n"
    return None


def check_doc(source):
    with open(os.path.join(source, DOC), encoding="utf-8") as f:
        lines = f.read().split("\n")
    for file in ("CMakeLists.txt", "main.cpp"):
        name = f"{EXAMPLE}/{file}"
        shown = doc_block(lines, name)
        if shown is None:
            fail(f"{DOC} has no line naming `{name}` and ending with ':' before an indented block")
        with open(os.path.join(source, name), encoding="utf-8") as f:
            actual = f.read()
        if shown != actual:
            fail(f"{DOC}'s block for {name} differs from the file:\n--- {DOC}\n{shown}--- file\n{actual}")


def run(cmd, **kw):
    print("+ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        fail(f"exit {p.returncode}: {' '.join(cmd)}\n{p.stdout}")
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--cxx", default="")
    ap.add_argument("--cmake", default="cmake")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args()

    check_doc(a.source)
    tmp = tempfile.mkdtemp(prefix="signrate-install-")
    try:
        prefix = os.path.join(tmp, "prefix")
        run([a.cmake, "--install", a.build, "--prefix", prefix])
        for rel in ("bin/signrate", "include/signrate/analysis/verify.hpp",
                    "lib/cmake/signrate/signrateConfig.cmake", "lib/cmake/signrate/signrateConfigVersion.cmake",
                    "lib/cmake/signrate/signrateTargets.cmake"):
            if not os.path.exists(os.path.join(prefix, rel)):
                fail(f"the install has no {rel}")
        for private in ("include/signrate/frontend", "include/signrate/mpi", "include/signrate/workloads"):
            if os.path.exists(os.path.join(prefix, private)):
                fail(f"the install has {private}, which is not part of the package")
        print(run([os.path.join(prefix, "bin", "signrate"), "--version"]), end="")

        example_build = os.path.join(tmp, "example-build")
        configure = [a.cmake, "-S", os.path.join(a.source, EXAMPLE), "-B", example_build,
                     "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={prefix}",
                     # only the install: never the build tree's package registry
                     "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"]
        if a.cxx:
            configure.append(f"-DCMAKE_CXX_COMPILER={a.cxx}")
        run(configure)
        run([a.cmake, "--build", example_build, "-j2"])
        out = run([os.path.join(example_build, "verify_thm1")])
        print(out, end="")

        headers_src = os.path.join(tmp, "headers")
        os.makedirs(headers_src)
        include_root = os.path.join(prefix, "include")
        headers = sorted(os.path.relpath(os.path.join(d, f), include_root)
                         for d, _, files in os.walk(os.path.join(include_root, "signrate"))
                         for f in files if f.endswith(".hpp"))
        with open(os.path.join(headers_src, "all_headers.cpp"), "w", encoding="utf-8") as f:
            f.writelines(f'#include "{h}"\n' for h in headers)
            f.write("int main() { return 0; }\n")
        with open(os.path.join(headers_src, "CMakeLists.txt"), "w", encoding="utf-8") as f:
            f.write("cmake_minimum_required(VERSION 3.25)\nproject(headers LANGUAGES CXX)\n"
                    "find_package(signrate REQUIRED)\nadd_executable(all_headers all_headers.cpp)\n"
                    "target_link_libraries(all_headers PRIVATE signrate::signrate)\n")
        headers_build = os.path.join(tmp, "headers-build")
        run([a.cmake, "-S", headers_src, "-B", headers_build] + configure[5:])
        run([a.cmake, "--build", headers_build])
        print(f"{len(headers)} installed headers compile together against the package")
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("check_installed_package: ok")


if __name__ == "__main__":
    main()
