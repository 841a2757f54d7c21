#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine and runs the whole test suite: installs the
# packages, checks the formatting (clang-format, scripts/check-format.sh), builds, and runs every
# suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/check-format.sh
bash scripts/build.sh "$@"
cd build
ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)"
