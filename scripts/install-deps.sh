#!/usr/bin/env bash
# Installs every Debian package signrate needs to build, test and benchmark.
# Idempotent and non-interactive: packages already present are left alone.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libeigen3-dev            # linear algebra (non-separable problems)
  librandom123-dev         # counter-based Philox streams
  libboost-dev             # Boost.Random and Boost.Math (reference CDFs in tests)
  libcli11-dev             # command line
  nlohmann-json3-dev       # JSON in and out
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev         # Google Benchmark
  gnuplot-nox              # report figures (SVG and PNG)
  chromium                 # the report's browser test (headless)
  openmpi-bin libopenmpi-dev  # signrate-mpi, one MPI rank per node (docs/mpi.md)
  libmpfr-dev              # correctly rounded pow for schedules and bias corrections (exact_pow)
  libtorch-dev             # LibTorch (CPU): the optimizers as torch::optim, ResNets, signrate train
  python3-torch            # PyTorch on the same LibTorch: the training benchmark's side-by-side (bench/)
  zlib1g-dev               # reading the gzip IDX files
  dataset-fashion-mnist    # Fashion-MNIST IDX files (/usr/share/datasets/fashion-mnist): train's CI test
  python3-jsonschema       # validates the CLI's outputs against schemas/ (CTest OutputsMatchSchemas)
  pybind11-dev python3-dev # the Python module, import signrate (python/, docs/python.md)
  python3-numpy            # the Python module's arrays
  python3-pytest           # the Python module's tests (CTest PythonModule)
  clang-format             # the formatting check of CI (scripts/check-format.sh); its version decides the layout
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi
