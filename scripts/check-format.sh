#!/usr/bin/env bash
# Checks that C++ files are clang-format clean under the root .clang-format (Google style, 110
# columns): by default every tracked *.cpp, *.hpp and *.cu under include src problems oracles
# analysis tests bench workloads docs/examples; or the files given as arguments. Prints each file that is not clean and
# exits 1 if there is one. Fix a file with `clang-format -i FILE`. The formatting depends on
# clang-format's version: CI uses Debian's `clang-format` package (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

formatter=${CLANG_FORMAT:-clang-format}
if ! command -v "$formatter" >/dev/null 2>&1; then
  echo "check-format: $formatter not found (bash scripts/install-deps.sh installs Debian's clang-format)" >&2
  exit 2
fi

files=()
if [ $# -gt 0 ]; then
  files=("$@")
else
  pathspecs=()
  for dir in include src problems oracles analysis tests bench workloads docs/examples; do
    for ext in cpp hpp cu; do pathspecs+=("$dir/*.$ext"); done
  done
  mapfile -d '' files < <(git ls-files -z -- "${pathspecs[@]}")
fi

bad=()
for f in "${files[@]}"; do
  if ! "$formatter" --dry-run --Werror "$f" >/dev/null 2>&1; then
    bad+=("$f")
    echo "not clang-format clean: $f"
  fi
done

if [ ${#bad[@]} -gt 0 ]; then
  echo "check-format: ${#bad[@]} of ${#files[@]} files need formatting ($("$formatter" --version | head -1));" \
    "run: clang-format -i FILE..." >&2
  exit 1
fi
echo "check-format: ${#files[@]} files clang-format clean"
