#!/usr/bin/env bash
# Prepares an offline dependency folder for machines without network (GPU nodes in clusters): on a
# connected Debian machine, downloads the Debian packages the build finds (CMakeLists.txt,
# tests/CMakeLists.txt, bench/CMakeLists.txt) with `apt-get download` and unpacks each with
# `dpkg-deb -x` into DIR. Then `scripts/gpu-check.sh --deps DIR` (or CMAKE_PREFIX_PATH=DIR/usr)
# builds from DIR alone. Needs no root: nothing is installed, apt only downloads.
#
#   DIR/usr/...        the unpacked packages (headers, CMake package files, libraries)
#   DIR/debs/          the .deb files, kept so a second run downloads nothing
#   DIR/MANIFEST.tsv   package, version, architecture, sha256 of the .deb (one line each)
#   DIR/deps.env       the Debian release and multiarch triplet the folder was made for
#
# Idempotent: a package whose .deb of the current candidate version is already in DIR/debs is
# neither downloaded nor unpacked again. The folder is for the same CPU architecture and a
# system no older than this one (the runtime libraries below need its glibc and libstdc++).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/fetch-build-deps.sh [-h] DIR

Downloads (apt-get download) and unpacks (dpkg-deb -x) into DIR the Debian -dev packages that
signrate's build needs, for an offline build with: scripts/gpu-check.sh --deps DIR

  Eigen3, nlohmann-json, CLI11, Random123, GoogleTest + GoogleMock, Google Benchmark,
  Boost headers, MPFR and GMP (headers, link libraries and their runtime .so packages).

Not included (the GPU machine has them): compiler, CMake, Python 3, the CUDA toolkit.
Writes DIR/MANIFEST.tsv (package, version, architecture, sha256) and DIR/deps.env.
EOF
}

die() {
  echo "fetch-build-deps: $*" >&2
  exit 1
}

# The packages, each with what needs it. Runtime packages are the shared objects the -dev
# packages' link symlinks point to (libbenchmark.so -> libbenchmark.so.1, libmpfr.so -> ...).
packages=(
  libeigen3-dev         # find_package(Eigen3 3.3 NO_MODULE)
  nlohmann-json3-dev    # find_package(nlohmann_json 3.10)
  libcli11-dev          # find_package(CLI11)
  librandom123-dev      # find_path(Random123/philox.h)
  libmpfr-dev           # find_path(mpfr.h), find_library(mpfr)
  libmpfr6              #   its runtime library
  libgmp-dev            #   mpfr.h includes gmp.h; libmpfr links libgmp
  libgmp10              #   its runtime library
  libgmpxx4ldbl         #   libgmp-dev's libgmpxx.so points here
  libgtest-dev          # tests: find_package(GTest)
  libgmock-dev          #   GTest's package file also imports GTest::gmock (libgmock.a must exist)
  libboost-dev          # tests: find_package(Boost 1.70) (Boost.Math, Boost.Random: headers only);
                        #   a metapackage: its versioned libboostX.YY-dev is added below
  libbenchmark-dev      # bench: find_package(benchmark)
  libbenchmark1debian   #   its runtime library
)

case "${1:-}" in
  -h | --help)
    usage
    exit 0
    ;;
  "")
    usage >&2
    exit 2
    ;;
  -*)
    echo "fetch-build-deps: unknown option $1 (see -h)" >&2
    exit 2
    ;;
esac
[ $# -eq 1 ] || {
  echo "fetch-build-deps: one argument, the folder (see -h)" >&2
  exit 2
}

for tool in apt-get apt-cache dpkg-deb dpkg sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: this script runs on Debian (or a derivative) with apt"
done

mkdir -p "$1" || die "cannot create $1"
dir=$(cd "$1" && pwd)
mkdir -p "$dir/debs"

# The candidate versions (what apt-get install would take), one apt-cache call for all packages:
# "package version architecture depends" per line, for this machine's architecture (or "all":
# with a foreign architecture enabled, apt-cache also shows e.g. libgmp10:i386).
native=$(dpkg --print-architecture)
candidates() {
  apt-cache show --no-all-versions "$@" 2>/dev/null | awk -v native="$native" '
    function emit() { if (p != "" && (a == native || a == "all")) print p, v, a, d; p = "" }
    /^Package:/ { p = $2; v = ""; a = ""; d = "" }
    /^Version:/ { v = $2 }
    /^Architecture:/ { a = $2 }
    /^Depends:/ { d = $0; sub(/^Depends: */, "", d); gsub(/ /, "", d) }
    /^$/ { emit() }
    END { emit() }'
}
declare -A version_of arch_of depends_of
while read -r p v a d; do
  version_of[$p]=$v
  arch_of[$p]=$a
  depends_of[$p]=$d
done < <(candidates "${packages[@]}")
for pkg in "${packages[@]}"; do
  [ -n "${version_of[$pkg]:-}" ] ||
    die "apt knows no candidate for $pkg (run apt-get update first, or enable the main component)"
done

# libboost-dev only depends on the versioned package that holds the headers and BoostConfig.
boost_dev=$(tr ',' '\n' <<<"${depends_of[libboost-dev]}" | sed -n 's/^\(libboost[0-9.]*-dev\).*/\1/p' | head -1)
[ -n "$boost_dev" ] || die "cannot find the versioned Boost -dev package in libboost-dev's Depends"
while read -r p v a d; do
  version_of[$p]=$v
  arch_of[$p]=$a
done < <(candidates "$boost_dev")
[ -n "${version_of[$boost_dev]:-}" ] || die "apt knows no candidate for $boost_dev"
packages+=("$boost_dev")

# apt drops privileges to the _apt user for downloads: give it a folder it may write to.
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$staging"; fi

manifest_tmp="$staging/MANIFEST.tsv"
printf 'package\tversion\tarchitecture\tsha256\n' >"$manifest_tmp"
downloaded=0
unpacked=0
for pkg in "${packages[@]}"; do
  version=${version_of[$pkg]}
  arch=${arch_of[$pkg]}
  # The file name apt-get download writes: the epoch's colon is URL-encoded as %3a.
  deb="$dir/debs/${pkg}_${version//:/%3a}_${arch}.deb"
  if [ -f "$deb" ] && dpkg-deb --info "$deb" >/dev/null 2>&1; then
    :
  else
    echo "fetch-build-deps: downloading $pkg $version"
    if ! (cd "$staging" && apt-get download -q "$pkg=$version" >"$staging/apt.log" 2>&1); then
      cat "$staging/apt.log" >&2
      die "apt-get download $pkg=$version failed (see above)"
    fi
    got=$(find "$staging" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
    [ -n "$got" ] || die "apt-get download $pkg left no .deb in $staging"
    rm -f "$dir/debs/${pkg}_"*.deb  # an older version's
    mv -f "$got" "$deb"
    rm -f "$dir/debs/.unpacked-${pkg}"
    downloaded=$((downloaded + 1))
  fi
  # Unpack once per .deb: the stamp holds the name of the .deb last unpacked.
  stamp="$dir/debs/.unpacked-${pkg}"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$(basename "$deb")" ]; then
    dpkg-deb -x "$deb" "$dir" || die "dpkg-deb -x $deb failed"
    basename "$deb" >"$stamp"
    unpacked=$((unpacked + 1))
  fi
  printf '%s\t%s\t%s\t%s\n' "$pkg" "$version" "$arch" "$(sha256sum "$deb" | cut -d' ' -f1)" >>"$manifest_tmp"
done
mv -f "$manifest_tmp" "$dir/MANIFEST.tsv"

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || true)
[ -n "$multiarch" ] || multiarch="$(uname -m)-linux-gnu"
release=$(. /etc/os-release 2>/dev/null && echo "${ID:-unknown} ${VERSION_ID:-} ${VERSION_CODENAME:-}")
cat >"$dir/deps.env" <<EOF
# Written by scripts/fetch-build-deps.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); read by scripts/gpu-check.sh.
SIGNRATE_DEPS_RELEASE="$release"
SIGNRATE_DEPS_MULTIARCH="$multiarch"
SIGNRATE_DEPS_ARCH="$native"
EOF

# The files the build looks for must be there (a package split or rename in a later release
# would otherwise only show at configure time on the offline machine).
lib="usr/lib/$multiarch"
for f in usr/share/eigen3/cmake/Eigen3Config.cmake usr/include/nlohmann/json.hpp usr/include/CLI/CLI.hpp \
  usr/include/Random123/philox.h usr/include/mpfr.h "usr/include/$multiarch/gmp.h" "$lib/libmpfr.so" \
  "$lib/libgmp.so" "$lib/cmake/GTest/GTestConfig.cmake" "$lib/libgtest.a" "$lib/libgmock.a" \
  "$lib/cmake/benchmark/benchmarkConfig.cmake" "$lib/libbenchmark.so" usr/include/boost/version.hpp; do
  [ -e "$dir/$f" ] || die "after unpacking, $dir/$f is missing (a dangling link or a renamed package?)"
done
count=$(($(wc -l <"$dir/MANIFEST.tsv") - 1))
echo "fetch-build-deps: $dir holds $count packages ($downloaded downloaded, $unpacked unpacked now;" \
  "$(du -sh "$dir" | cut -f1)); build with: scripts/gpu-check.sh --deps $dir"
