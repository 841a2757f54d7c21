#!/usr/bin/env bash
# The GPU engine's check on a machine with an NVIDIA GPU (issue 9): builds with CUDA, runs every
# CUDA test (bits against the CPU engine), compares `signrate run --device cuda` with
# `--device cpu` on a list of specs (every JSON value but the engine's timing must be equal), runs
# the GPU benchmarks and the PyTorch/JAX side-by-side (bench/gpu_compare.sh), and prints one
# summary table. Aimed at under 5 minutes on one H100-class GPU, build included.
#
# GPU nodes often have no network: --deps DIR builds from a folder that
# scripts/fetch-build-deps.sh prepared on a connected machine (Debian -dev packages unpacked).
# --cpu-only runs the same configure and build with CUDA off and the checks that need no GPU:
# the way to test the offline folder (and this script) on a machine without a GPU.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat <<'EOF'
usage: scripts/gpu-check.sh [options]

  --deps DIR         build from an offline dependency folder (scripts/fetch-build-deps.sh DIR);
                     CMake then finds Eigen3, nlohmann_json, CLI11, GTest, benchmark, Boost,
                     Random123 and MPFR in DIR, and the check fails if any comes from elsewhere
  --arch N           CMAKE_CUDA_ARCHITECTURES (default 90: H100/H200)
  --build-dir DIR    build folder (default build-gpu, or build-cpu-only with --cpu-only)
  --jobs N           parallel build jobs (default: all cores)
  --cpu-only         CUDA off; configure, build, and the checks that need no GPU
  --full             also compare cpu and cuda at the headline size (d = 2^20, R = 16, T = 2048;
                     the CPU side takes tens of seconds)
  --specs REGEX      compare cpu and cuda only on the specs whose names match (grep -E); the
                     names are in this script's `specs` list
  --no-python        skip the PyTorch/JAX side-by-side
  --no-build         use the binaries already in the build folder (no configure, no build)
  --build-only       configure and build, nothing else (with CUDA unless --cpu-only): for a
                     machine with nvcc and no GPU
  --targets "A B"    build these targets instead of signrate, signrate_tests and the benchmarks
  --logs DIR         where the logs and JSON go (default BUILD_DIR/gpu-check)
  -h, --help         this text

Exit status: 0 every step passed (performance targets are reported, not enforced), 1 a step
failed (its name, its log and the log's last lines are printed), 2 bad arguments.
EOF
}

# Everything runs inside main, and the last line calls it and exits: bash has read the whole
# script before main starts, so editing this file while a check runs cannot change that check.
main() {
deps=""
arch=90
build_dir=""
jobs=$(nproc 2>/dev/null || echo 2)
cpu_only=0
full=0
python_side=1
build=1
spec_filter=""
build_only=0
targets=""
logs=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --deps | --arch | --build-dir | --jobs | --logs | --specs | --targets)
      [ $# -ge 2 ] || {
        echo "gpu-check: $1 needs a value (see -h)" >&2
        exit 2
      }
      case "$1" in
        --deps) deps=$2 ;;
        --arch) arch=$2 ;;
        --build-dir) build_dir=$2 ;;
        --jobs) jobs=$2 ;;
        --logs) logs=$2 ;;
        --specs) spec_filter=$2 ;;
        --targets) targets=$2 ;;
      esac
      shift 2
      ;;
    --cpu-only)
      cpu_only=1
      shift
      ;;
    --full)
      full=1
      shift
      ;;
    --no-python)
      python_side=0
      shift
      ;;
    --no-build)
      build=0
      shift
      ;;
    --build-only)
      build_only=1
      shift
      ;;
    *)
      echo "gpu-check: unknown argument $1 (see -h)" >&2
      exit 2
      ;;
  esac
done
[[ "$arch" =~ ^[0-9]+[a-z]?(;[0-9]+[a-z]?)*$ ]] || {
  echo "gpu-check: --arch $arch is not a CUDA architecture list like 90 or 80;90" >&2
  exit 2
}
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || {
  echo "gpu-check: --jobs $jobs is not a positive integer" >&2
  exit 2
}
if [ -n "$deps" ]; then
  [ -d "$deps/usr" ] || {
    echo "gpu-check: --deps $deps has no usr/ folder (prepare it with scripts/fetch-build-deps.sh $deps)" >&2
    exit 2
  }
  deps=$(cd "$deps" && pwd)
fi
[ -n "$build_dir" ] || build_dir=$([ $cpu_only -eq 1 ] && echo build-cpu-only || echo build-gpu)
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
[ -n "$logs" ] || logs="$build_dir/gpu-check"
mkdir -p "$logs"
logs=$(cd "$logs" && pwd)

# ---------------------------------------------------------------------------------------------
# Steps: each runs with its output in $logs/NAME.log; a failure stops the script after the summary.
started=$(date +%s)
step_names=()
step_status=()
step_seconds=()
step_detail=()
current=""
rm -f "$logs/perf.txt"

summary() {
  local total=$(($(date +%s) - started))
  echo
  echo "== gpu-check summary ($([ $cpu_only -eq 1 ] && echo "cpu-only" || echo "cuda, arch $arch")," \
    "$(date -u +%Y-%m-%dT%H:%MZ), ${total} s) =="
  printf '%-16s %-6s %6s  %s\n' step status s detail
  local i
  for i in "${!step_names[@]}"; do
    printf '%-16s %-6s %6s  %s\n' "${step_names[$i]}" "${step_status[$i]}" "${step_seconds[$i]}" "${step_detail[$i]}"
  done
  if [ -s "$logs/perf.txt" ]; then
    echo
    printf '%-44s %14s  %s\n' measurement "coord-steps/s" "target"
    cat "$logs/perf.txt"
  fi
  [ $total -le 300 ] || echo "note: ${total} s, over the 5-minute aim"
  echo "logs: $logs"
}

# step NAME FUNCTION: runs FUNCTION in a subshell with errexit (any failing command ends it),
# its output in $logs/NAME.log; what it reports for the table goes through files (detail, perf).
step() {
  local name=$1 fn=$2 t0 rc
  current=$name
  t0=$(date +%s)
  rm -f "$logs/$name.detail"
  echo "gpu-check: $name ..."
  set +e
  (
    set -e
    "$fn"
  ) >"$logs/$name.log" 2>&1
  rc=$?
  set -e
  local detail
  detail=$(cat "$logs/$name.detail" 2>/dev/null || true)
  step_names+=("$name")
  step_seconds+=("$(($(date +%s) - t0))")
  if [ $rc -eq 0 ]; then
    step_status+=("ok")
    step_detail+=("$detail")
  else
    step_status+=("FAILED")
    step_detail+=("${detail:-exit $rc}; log $logs/$name.log")
    echo "gpu-check: step '$name' FAILED (exit $rc): ${detail:-see the log}; the end of $logs/$name.log:" >&2
    tail -n 25 "$logs/$name.log" >&2
    summary
    exit 1
  fi
}

# A step that does not apply in this mode, listed so the table shows what was not checked.
skipped() {
  step_names+=("$1")
  step_status+=("skip")
  step_seconds+=("0")
  step_detail+=("$2")
}

# Inside a step: the line for the table, and a failure with its reason.
note() { echo "$*" >"$logs/$current.detail"; }
fail() {
  echo "gpu-check: $*"
  note "$*"
  exit 1
}
# A row of the performance table (name, coordinate-steps/s, target), kept across steps.
perf_row() { printf '%-44s %14s  %s\n' "$1" "$2" "${3:-}" >>"$logs/perf.txt"; }

# ---------------------------------------------------------------------------------------------
multiarch=""
if [ -n "$deps" ]; then
  if [ -f "$deps/deps.env" ]; then
    # shellcheck disable=SC1091
    . "$deps/deps.env"
    multiarch=${SIGNRATE_DEPS_MULTIARCH:-}
  fi
  [ -n "$multiarch" ] || multiarch=$(cd "$deps/usr/lib" && ls -d ./*-linux-gnu* 2>/dev/null | head -1 | sed 's|^\./||')
  deps_lib="$deps/usr/lib/$multiarch"
  # The runtime libraries of the folder (libbenchmark.so.1, libmpfr.so.6, libgmp.so.10).
  export LD_LIBRARY_PATH="$deps_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
python=$(command -v python3 || true)
signrate="$build_dir/signrate"
tests_bin="$build_dir/tests/signrate_tests"
bench_cuda="$build_dir/bench/signrate_bench_cuda"
gpu_name=""

check_environment() {
  local tool
  for tool in cmake c++; do command -v $tool >/dev/null || fail "$tool not found on PATH"; done
  [ -n "$python" ] || fail "python3 not found (the comparisons use it)"
  cmake --version | head -1
  c++ --version | head -1
  "$python" --version
  if [ $cpu_only -eq 0 ]; then
    command -v nvcc >/dev/null || fail "nvcc not found on PATH (add the CUDA toolkit's bin/, e.g. /usr/local/cuda/bin)"
  fi
  if [ $cpu_only -eq 0 ] && [ $build_only -eq 1 ]; then
    nvcc --version | tail -2
    line="nvcc only (--build-only); $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/CUDA \1/p')"
  elif [ $cpu_only -eq 0 ]; then
    command -v nvidia-smi >/dev/null || fail "nvidia-smi not found: no NVIDIA driver on this machine"
    nvcc --version | tail -2
    nvidia-smi -L || fail "nvidia-smi -L failed: the driver does not answer"
    gpu_name=$(nvidia-smi -L | head -1 | sed 's/^GPU 0: //; s/ (UUID.*//')
    [ -n "$gpu_name" ] || fail "nvidia-smi -L lists no GPU"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true
    line="$gpu_name; $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/CUDA \1/p')"
  else
    line="$(c++ --version | head -1)"
  fi
  [ -z "$deps" ] || line="$line; deps $deps (${SIGNRATE_DEPS_RELEASE:-release unknown})"
  note "$line"
}

check_configure() {
  local args=(-S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSIGNRATE_MPI=OFF
    -DSIGNRATE_TESTS=ON -DSIGNRATE_BENCH=ON)
  if [ $cpu_only -eq 1 ]; then
    args+=(-DSIGNRATE_CUDA=OFF)
  else
    args+=(-DSIGNRATE_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=$arch")
  fi
  if [ -n "$deps" ]; then
    # CMAKE_PREFIX_PATH is searched before the system: find_package finds the folder's package
    # files (usr/share/eigen3/cmake, usr/lib/<triplet>/cmake/GTest, ...), find_path and
    # find_library its usr/include and usr/lib/<triplet>. gmp.h (included by mpfr.h) sits in the
    # multiarch include folder, which no find_* reports: it is added to the compile flags.
    local inc="-isystem $deps/usr/include/$multiarch"
    args+=("-DCMAKE_PREFIX_PATH=$deps/usr" "-DCMAKE_CXX_FLAGS=$inc" "-DBoost_NO_SYSTEM_PATHS=ON")
    [ $cpu_only -eq 1 ] || args+=("-DCMAKE_CUDA_FLAGS=$inc")
  fi
  echo "cmake ${args[*]}"
  cmake "${args[@]}" || fail "cmake configure failed (a missing dependency? see the log)"
  grep -q "signrate: CUDA on" "$logs/configure.log" || [ $cpu_only -eq 1 ] ||
    fail "configure did not turn CUDA on"
  note "$(sed -n 's/^-- signrate: \(CUDA [a-z]*\).*/\1/p' "$logs/configure.log" | head -1)"
}

# With --deps, every dependency the configure step found must come from the folder.
check_deps_used() {
  local cache="$build_dir/CMakeCache.txt" var value bad=0
  for var in Eigen3_DIR nlohmann_json_DIR CLI11_DIR GTest_DIR benchmark_DIR Boost_DIR \
    RANDOM123_INCLUDE_DIR MPFR_INCLUDE_DIR MPFR_LIBRARY; do
    value=$(sed -n "s/^$var:[A-Z]*=//p" "$cache" | head -1)
    echo "$var = $value"
    case "$value" in
      "$deps"/*) ;;
      *)
        echo "  not in $deps"
        bad=$((bad + 1))
        ;;
    esac
  done
  [ $bad -eq 0 ] || fail "$bad dependencies found outside $deps (see the log)"
  note "9 of 9 found in the folder"
}

check_build() {
  local list
  if [ -n "$targets" ]; then
    read -r -a list <<<"$targets"
  else
    list=(signrate signrate_tests)
    if [ $cpu_only -eq 1 ]; then list+=(signrate_bench); else list+=(signrate_bench_cuda); fi
  fi
  echo "cmake --build $build_dir -j$jobs --target ${list[*]}"
  cmake --build "$build_dir" -j"$jobs" --target "${list[@]}" || fail "build failed (see the log)"
  local bin missing=""
  for bin in "$signrate" "$tests_bin"; do
    [ ! -x "$bin" ] || missing+=$(ldd "$bin" 2>&1 | grep "not found" || true)
  done
  [ -z "$missing" ] || fail "runtime libraries not found: $(echo "$missing" | tr -s ' \n\t' ' ')"
  note "${list[*]}"
}

# Without a usable device, --device cuda exits 2 with one line and writes nothing; a device
# that does not exist (cuda:99) must do the same on a GPU machine.
check_device_errors() {
  local dev out err rc
  if [ $cpu_only -eq 1 ]; then dev=cuda; else dev=cuda:99; fi
  out="$logs/no-device.json"
  err="$logs/no-device.err"
  rm -f "$out"
  rc=0
  "$signrate" run --device "$dev" --d 8 --T 8 --replicates 1 --out "$out" 2>"$err" || rc=$?
  echo "signrate run --device $dev: exit $rc, stderr:"
  cat "$err"
  [ $rc -eq 2 ] || fail "--device $dev exited $rc, not 2"
  [ "$(wc -l <"$err")" -eq 1 ] || fail "--device $dev wrote $(wc -l <"$err") lines to stderr, not one"
  [ ! -e "$out" ] || fail "--device $dev wrote $out"
  local line="--device $dev: exit 2, one line, no file"
  if [ $cpu_only -eq 0 ]; then
    "$signrate" run --device auto --d 8 --T 8 --replicates 1 --out "$logs/auto.json" ||
      fail "--device auto failed on a GPU machine"
    local backend
    backend=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["engine"]["backend"])' "$logs/auto.json")
    [ "$backend" = cuda ] || fail "--device auto chose $backend with a GPU present"
    line="$line; --device auto takes cuda"
  fi
  note "$line"
}

# The specs of the cpu/cuda comparison: a name and the arguments of `signrate run`. They cover
# single-node and distributed methods, every oracle family, each problem family, d = 1, T = 1,
# replicates = 1, d not a multiple of any block size and d needing several blocks per replicate.
# A name ending in '?' may be refused (exit 2 naming the problem) instead of run.
specs=(
  "worked-example|--d 256 --T 4096 --replicates 16"
  "d1-T1-R1|--d 1 --T 1 --replicates 1"
  "student-signum|--d 1000 --T 300 --replicates 3 --oracle student-t:nu=3 --method signum"
  "multi-block|--d 131073 --T 64 --replicates 2"
  "headline-T256|--d 1048576 --T 256 --replicates 16"
  "diag-theorem2|--problem diag-quadratic:law=power,decay=1 --oracle separable-gaussian --schedule theorem2 --d 4097 --T 500 --replicates 4"
  "nonconvex-adamw|--problem nonconvex-separable --oracle uniform --method adamw --d 513 --T 200 --replicates 2"
  "lowrank-smm|--problem lowrank-quadratic:rank=2 --d 300 --T 200 --replicates 2"
  "ef-signsgd|--method ef-signsgd --d 2049 --T 100 --replicates 2"
  "lion-lognormal|--method lion --oracle lognormal:s=1 --d 100 --T 100 --replicates 2"
  "sgdm-bimodal-b4|--method sgdm --oracle bimodal --batch 4 --d 100 --T 100 --replicates 2"
  "mvsm-v2-n8-byz2|--problem hetero-nonconvex:spread=1 --oracle uniform --method mvsm-v2 --nodes 8 --byzantine 2 --d 1024 --T 200 --replicates 2"
  "mvsm-v1-gauss|--oracle gaussian --method mvsm-v1:R=8,clip=1 --nodes 4 --d 777 --T 100 --replicates 3"
  "signsgd-mv-het|--problem hetero-quadratic:centers=0/0.1/0.2/3/4 --method signsgd-mv --nodes 5 --oracle rademacher --d 100 --T 100 --replicates 2"
  "rosenbrock?|--problem rosenbrock --method signsgd --schedule constant:eta=0.001,beta=0.1 --d 64 --T 100 --replicates 2"
)

# Besides the list, every method of the tables (signrate list ... --names), at a small size, so that
# a new method is compared without being added here: single-node ones on the quadratic, n-node ones
# on 3 nodes of the bounded-gradient nonconvex problem with bounded noise (so that S_R has its
# default R). Each may be refused on the GPU (a method it does not run yet: exit 2 naming it).
table_specs() {
  local m
  for m in $("$signrate" list methods --names); do
    specs+=("table-$m?|--method $m --d 70 --T 20 --replicates 2")
  done
  for m in $("$signrate" list distributed-methods --names); do
    specs+=("table-$m-n3?|--problem nonconvex-separable --oracle uniform --method $m --nodes 3 --d 70 --T 20 --replicates 2")
  done
}

check_cpu_vs_cuda() {
  [ $full -eq 0 ] || specs+=("headline-full|--d 1048576 --T 2048 --replicates 16")
  table_specs
  local entry name args cpu cuda rc same=0 refused=0
  for entry in "${specs[@]}"; do
    name=${entry%%|*}
    args=${entry#*|}
    if [ -n "$spec_filter" ] && ! grep -Eq -- "$spec_filter" <<<"$name"; then continue; fi
    cpu="$logs/run-${name%\?}-cpu.json"
    cuda="$logs/run-${name%\?}-cuda.json"
    rm -f "$cpu" "$cuda"
    echo "== $name: signrate run $args"
    # shellcheck disable=SC2086
    "$signrate" run $args --device cpu --out "$cpu" || fail "$name: the cpu run failed"
    rc=0
    # shellcheck disable=SC2086
    "$signrate" run $args --device cuda --out "$cuda" 2>"$logs/run-${name%\?}-cuda.err" || rc=$?
    cat "$logs/run-${name%\?}-cuda.err"
    if [ $rc -eq 2 ] && [ "${name%\?}" != "$name" ]; then
      echo "refused on cuda (allowed for this spec): $(cat "$logs/run-${name%\?}-cuda.err")"
      refused=$((refused + 1))
      continue
    fi
    [ $rc -eq 0 ] || fail "$name: the cuda run exited $rc: $(head -1 "$logs/run-${name%\?}-cuda.err")"
    "$python" - "$cuda" <<'EOF' || fail "$name: the cuda run's engine fields are wrong (see the log)"
import json, sys
e = json.load(open(sys.argv[1]))["engine"]
print("engine:", json.dumps(e))
assert e.get("backend") == "cuda", "engine.backend is not cuda"
assert e.get("device_name"), "engine.device_name is empty"
assert e.get("compute_capability"), "engine.compute_capability is empty"
EOF
    "$python" "$root/scripts/compare-runs.py" --summary "$cpu" "$cuda" || fail "$name: cpu and cuda differ (see the log)"
    same=$((same + 1))
  done
  [ $((same + refused)) -gt 0 ] || fail "no spec matches --specs $spec_filter"
  local line="$same specs bit-identical"
  [ $refused -eq 0 ] || line="$line, $refused refused (allowed)"
  note "$line"
  # The issue's floor: never slower than the CPU engine at d = 256, R = 16 (whole runs, all cores).
  [ -f "$logs/run-worked-example-cuda.json" ] || return 0
  "$python" - "$logs/run-worked-example-cpu.json" "$logs/run-worked-example-cuda.json" >"$logs/d256.txt" <<'EOF'
import json, sys
cpu, gpu = (json.load(open(p))["engine"]["elapsed_s"] for p in sys.argv[1:3])
steps = 256 * 16 * 4096
print(f"{steps / cpu:.3e} {steps / gpu:.3e} {cpu / gpu:.2f}")
EOF
  read -r cpu_rate gpu_rate ratio <"$logs/d256.txt"
  perf_row "run d=256 R=16 T=4096, --device cpu" "$cpu_rate"
  perf_row "run d=256 R=16 T=4096, --device cuda" "$gpu_rate" \
    "never slower than cpu: ${ratio}x $("$python" -c "print('met' if $ratio >= 1 else 'MISSED')")"
}

check_cuda_tests() {
  local json="$logs/cuda-tests.json"
  rm -f "$json"
  "$tests_bin" --gtest_filter='Cuda*' --gtest_output="json:$json" || true
  [ -f "$json" ] || fail "signrate_tests wrote no report (it crashed?)"
  "$python" - "$json" <<'EOF' >"$logs/cuda-tests.txt" || true
import json, sys
r = json.load(open(sys.argv[1]))
ran = skipped = failed = 0
names = []
for suite in r.get("testsuites", []):
    for t in suite.get("testsuite", []):
        ran += 1
        if t.get("result") == "SKIPPED" or t.get("status") == "NOTRUN":
            skipped += 1
            names.append("skipped " + suite["name"] + "." + t["name"])
        elif t.get("failures"):
            failed += 1
            names.append("failed " + suite["name"] + "." + t["name"])
print(ran, skipped, failed)
for n in names[:20]:
    print(n)
EOF
  cat "$logs/cuda-tests.txt"
  local ran skipped failed
  read -r ran skipped failed <"$logs/cuda-tests.txt" || fail "cannot read the test report $json"
  [ "${ran:-0}" -gt 0 ] || fail "no test matched Cuda*"
  [ "$failed" -eq 0 ] || fail "$failed of $ran CUDA tests failed ($(sed -n 2p "$logs/cuda-tests.txt"), ...)"
  [ "$skipped" -eq 0 ] || fail "$skipped of $ran CUDA tests skipped on a GPU machine ($(sed -n 2p "$logs/cuda-tests.txt"), ...)"
  note "$ran tests passed, none skipped"
}

check_benchmarks() {
  local json="$logs/bench-cuda.json"
  [ -x "$bench_cuda" ] || fail "$bench_cuda was not built"
  # A benchmark stops after the first iteration that passes min_time: at these sizes one
  # iteration is 0.1-10 s, so the whole binary takes well under a minute.
  "$bench_cuda" --benchmark_min_time=0.5 --benchmark_out="$json" --benchmark_out_format=json ||
    fail "signrate_bench_cuda failed"
  "$python" - "$json" >"$logs/bench-rows.txt" <<'EOF' || fail "cannot read $json"
import json, sys
rows = [b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("run_type", "iteration") == "iteration"]
if not rows:
    sys.exit("no benchmark ran")
for b in rows:
    rate = b.get("coord_steps_per_s")
    if rate is None:
        sys.exit(f"{b['name']} has no coord_steps_per_s counter")
    target = ""
    if b["name"].startswith("BM_CudaSmmQuadraticGaussian/1048576/16/"):
        target = "2e11: " + ("met" if rate >= 2e11 else "MISSED")
    print(f"{b['name']:<44} {rate:14.3e}  {target}")
EOF
  cat "$logs/bench-rows.txt"
  cat "$logs/bench-rows.txt" >>"$logs/perf.txt"
  note "$(wc -l <"$logs/bench-rows.txt") benchmarks"
}

check_python_side() {
  local args=(--json "$logs/gpu-compare.json")
  if [ $cpu_only -eq 1 ]; then
    args+=(--device cpu --sizes "256,16,64")
  else
    # The eager and compiled loops run at a steady rate per step: 4096 timed steps suffice.
    args+=(--signrate "$signrate" --max-steps 4096)
  fi
  bash "$root/bench/gpu_compare.sh" "${args[@]}" || fail "bench/gpu_compare.sh failed"
  "$python" - "$logs/gpu-compare.json" >"$logs/python-rows.txt" <<'EOF' || fail "cannot read gpu-compare.json"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
for r in rows:
    rate = r.get("coord_steps_per_s")
    label = f"{r['impl']} d={r['d']} R={r['R']} T={r['T']}"
    note = r.get("note", "")
    if r["impl"].startswith("signrate") and (r["d"], r["R"]) == (1048576, 16) and rate:
        eager = [e["coord_steps_per_s"] for e in rows if e["impl"] == "pytorch-eager"
                 and (e["d"], e["R"], e["T"]) == (r["d"], r["R"], r["T"]) and e.get("coord_steps_per_s")]
        if eager:
            note = f"10x pytorch-eager: {rate / eager[0]:.1f}x " + ("met" if rate >= 10 * eager[0] else "MISSED")
    print(f"{label:<44} {'-' if rate is None else format(rate, '.3e'):>14}  {note}")
EOF
  cat "$logs/python-rows.txt"
  cat "$logs/python-rows.txt" >>"$logs/perf.txt"
  note "$(grep -c . "$logs/python-rows.txt") rows; $logs/gpu-compare.json"
}

check_cpu_smoke() {
  "$signrate" run --d 64 --T 256 --replicates 4 --out "$logs/smoke.json" || fail "signrate run failed"
  # The suites that run fastest and touch Philox, the float sampler, the canonical sums and the
  # CLI: the binary links and loads the folder's libraries (GTest, MPFR, Boost headers).
  "$tests_bin" --gtest_filter='Philox*:HdMathLogf*:CanonicalSum*:ExactPow*:MethodStep*:Cuda*' --gtest_brief=1 ||
    fail "signrate_tests (a quick subset) failed"
  "$build_dir/bench/signrate_bench" --benchmark_filter='BM_PhiloxOnly' --benchmark_min_time=0.05 ||
    fail "signrate_bench did not run"
  note "run, a test subset and a benchmark ran"
}

# ---------------------------------------------------------------------------------------------
step environment check_environment
if [ $build -eq 1 ]; then
  step configure check_configure
  if [ -n "$deps" ]; then step deps-used check_deps_used; else skipped deps-used "no --deps"; fi
  step build check_build
  if [ $build_only -eq 1 ]; then
    summary
    return 0
  fi
else
  skipped configure "--no-build"
  skipped build "--no-build: the binaries in $build_dir"
fi
step device-errors check_device_errors
if [ $cpu_only -eq 1 ]; then
  step cpu-smoke check_cpu_smoke
  skipped cuda-tests "--cpu-only"
  skipped cpu-vs-cuda "--cpu-only"
  skipped benchmarks "--cpu-only"
else
  step cuda-tests check_cuda_tests
  step cpu-vs-cuda check_cpu_vs_cuda
  step benchmarks check_benchmarks
fi
if [ $python_side -eq 1 ]; then step side-by-side check_python_side; else skipped side-by-side "--no-python"; fi
summary
}

main "$@"; exit $?  # one line: read whole before main runs
