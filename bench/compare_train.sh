#!/usr/bin/env bash
# A ResNet-18 training step at batch 128 on the CPU: `signrate train` against the same network in
# Python PyTorch (Debian's python3-torch, the same LibTorch), with the same threads, side by side
# in one run; and the optimizer step's share of a step for each optimizer (bench/README.md).
#   bash bench/compare_train.sh [threads (default 2)] [timed steps (default 6)] [warm-up steps (default 1)]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
steps=${2:-6}
warmup=${3:-1}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data="synthetic:classes=10,n=$((128 * (steps + warmup))),test=128,size=32,channels=3"
# The C++ rate: the second logged interval (the timed steps), the first holds the warm-up steps.
cpp_rate() {
  build/signrate train --model resnet18 --data "$data" --optimizer "$1" --batch 128 --threads "$threads" \
    --steps $((steps + warmup)) --eval-every "$warmup" --out "$tmp/$2.json" >/dev/null
  $py - "$tmp/$2.json" "$warmup" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); w = int(sys.argv[2])
timed = j["log"][1:]
steps = sum(l["step"] for l in timed[-1:]) - w
secs = sum(128 * (timed[i]["step"] - (timed[i - 1]["step"] if i else w)) / timed[i]["images_per_second"] for i in range(len(timed)))
print(f'{128 * steps / secs:.1f} {j["final"]["optimizer_share"]:.4f}')
PY
}
for opt in sgdm adamw; do
  read -r rate share < <(cpp_rate "$opt" "$opt")
  pyrate=$($py bench/train_pytorch.py --batch 128 --steps "$steps" --warmup "$warmup" --threads "$threads" \
    --optimizer "$opt" | $py -c 'import json, sys; print("%.1f" % json.load(sys.stdin)["images_per_second"])')
  echo "resnet18 batch 128, $threads threads, $opt: signrate train $rate images/s, PyTorch $pyrate images/s; optimizer share $share"
done
# Every other method of the table (signrate list methods --names): the sign methods and the rest,
# which PyTorch has no optimizer for.
others=$(build/signrate list methods --names | grep -vx -e sgdm -e adamw | tr '\n' ' ')
for opt in ${SIGN_OPTIMIZERS:-$others}; do
  read -r rate share < <(cpp_rate "$opt" "$opt")
  echo "resnet18 batch 128, $threads threads, $opt: signrate train $rate images/s; optimizer share $share"
done
