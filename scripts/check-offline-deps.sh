#!/usr/bin/env bash
# Proves that an offline dependency folder (scripts/fetch-build-deps.sh DIR) alone suffices to
# configure and build signrate, on a machine that also has the same packages installed: in a
# private mount namespace (unshare -m, needs root), the system's copies of every -dev package in
# DIR/MANIFEST.tsv are hidden (their folders under empty tmpfs mounts, their files under
# /dev/null), a compile against a hidden header must fail, and then
# `scripts/gpu-check.sh --cpu-only --deps DIR` runs there (with --build-only among the options:
# `gpu-check.sh --build-only --deps DIR`, CUDA on, which needs nvcc but no GPU). Nothing outside
# this process's namespace changes. The runtime libraries of MPFR and GMP stay visible: the
# compiler itself loads them.
#
#   sudo bash scripts/check-offline-deps.sh /tmp/sr-deps --jobs 2      # extra args: gpu-check.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ] || [ $# -lt 1 ]; then
  echo "usage: scripts/check-offline-deps.sh DIR [gpu-check.sh options]"
  echo "  hides the system's copies of DIR's packages (mount namespace, root) and runs"
  echo "  scripts/gpu-check.sh --cpu-only --deps DIR there (--build-only: CUDA on, build only)"
  [ $# -ge 1 ] && exit 0 || exit 2
fi
dir=$(cd "$1" && pwd)
shift
[ -f "$dir/MANIFEST.tsv" ] || {
  echo "check-offline-deps: $dir/MANIFEST.tsv missing (make the folder with scripts/fetch-build-deps.sh)" >&2
  exit 2
}
[ "$(id -u)" -eq 0 ] || {
  echo "check-offline-deps: needs root (unshare -m and mounts)" >&2
  exit 2
}
command -v unshare >/dev/null || {
  echo "check-offline-deps: unshare not found (util-linux)" >&2
  exit 2
}

if [ "${SIGNRATE_OFFLINE_INNER:-}" != 1 ]; then
  exec env SIGNRATE_OFFLINE_INNER=1 unshare -m --propagation private bash "$0" "$dir" "$@"
fi

# In the namespace: hide what the system's installed copies of the packages provide.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
runtime_only=" libmpfr6 libgmp10 libgmpxx4ldbl "  # cc1 links these; hiding them breaks the compiler
declare -A dirs files
while IFS=$'\t' read -r pkg _; do
  [ "$pkg" = package ] && continue
  case "$runtime_only" in *" $pkg "*) continue ;; esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || continue
  while read -r path; do
    if [ ! -f "$path" ] || [ -L "$path" ]; then continue; fi
    rest=${path#/usr/*/}  # the path below /usr/include/, /usr/share/, /usr/lib/
    case "$path" in
      /usr/share/doc/*) ;;
      /usr/include/"$multiarch"/*) files[$path]=1 ;;
      /usr/include/*/*) dirs[/usr/include/${rest%%/*}]=1 ;;
      /usr/share/eigen3/*) dirs[/usr/share/eigen3]=1 ;;
      /usr/share/cmake/*/*) rest=${path#/usr/share/cmake/} && dirs[/usr/share/cmake/${rest%%/*}]=1 ;;
      /usr/lib/"$multiarch"/cmake/*/*)
        rest=${path#/usr/lib/"$multiarch"/cmake/} && dirs[/usr/lib/$multiarch/cmake/${rest%%/*}]=1 ;;
      *) files[$path]=1 ;;
    esac
  done < <(dpkg -L "$pkg")
done <"$dir/MANIFEST.tsv"
for d in "${!dirs[@]}"; do mount -t tmpfs -o size=1m,mode=755 none "$d"; done
for f in "${!files[@]}"; do mount --bind /dev/null "$f"; done
echo "check-offline-deps: hid ${#dirs[@]} folders and ${#files[@]} files of the system's packages:"
printf '  %s\n' "${!dirs[@]}" | sort
printf '  %s\n' "${!files[@]}" | sort | head -40

# The hiding works: these compile against the system alone and must now fail.
for probe in Eigen/Core nlohmann/json.hpp CLI/CLI.hpp Random123/philox.h gtest/gtest.h benchmark/benchmark.h \
  boost/math/distributions/normal.hpp "mpfr.h>
static_assert(MPFR_VERSION_MAJOR > 0);//" "gmp.h>
static_assert(__GNU_MP_VERSION > 0);//"; do
  if printf '#include <%s>\n' "$probe" | c++ -std=c++20 -fsyntax-only -x c++ - 2>/dev/null; then
    echo "check-offline-deps: <${probe%%>*}> still compiles from the system: the hiding failed" >&2
    exit 1
  fi
done
echo "check-offline-deps: the system's headers are hidden; building from $dir alone"
mode=(--cpu-only)
for arg in "$@"; do [ "$arg" != --build-only ] || mode=(); done
exec bash "$root/scripts/gpu-check.sh" "${mode[@]}" --deps "$dir" "$@"
