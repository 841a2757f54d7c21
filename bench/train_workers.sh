#!/usr/bin/env bash
# docs/training.md's Fashion-MNIST table for n workers ("Fashion-MNIST with 8 workers"):
# 8 workers, a small ResNet, every distributed method, iid and by-class splits, on this machine's
# CPU. Writes one train JSON per run into OUT (default ./train-workers) and prints the table.
#   bench/train_workers.sh [OUT] [EPOCHS]     (defaults: train-workers, 2)
# The learning rates are the ones docs/training.md states (a short probe, not a grid search).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-train-workers}
epochs=${2:-2}
signrate="$root/build/signrate"
[ -x "$signrate" ] || bash "$root/scripts/build.sh" >/dev/null
mkdir -p "$out"
methods=(
  "sgd-dist:lr=0.1" "sgdm-dist:lr=0.05,mu=0.9" "signsgd-mv:lr=0.003" "signum-mv:lr=0.003,mu=0.9"
  "sto-signsgd:lr=0.01,R=0.01,clip=1" "mv-signsgd-sim:lr=0.003,beta=0.1"
  "mvsm-v1:lr=0.01,beta=0.1,R=0.01,clip=1" "mvsm-v2:lr=0.01,beta=0.1,R=0.01,clip=1"
)
for split in iid by-class; do
  for m in "${methods[@]}"; do
    name="${m%%:*}-$split"
    "$signrate" train --model resnet:blocks=1/1,width=8 --data fashion-mnist --threads 1 --workers 8 \
      --split "$split" --batch 16 --epochs "$epochs" --optimizer "$m" --out "$out/$name.json" >/dev/null
  done
done
python3 - "$out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
rows = {}
for f in sorted(out.glob("*.json")):
    j = json.loads(f.read_text())
    opt = j["spec"]["optimizer"]
    rows.setdefault(opt["name"], {"spec": ",".join(f"{k}={v}" for k, v in opt.items() if k != "name")})
    rows[opt["name"]][j["spec"]["split"]["name"]] = j["final"]
print("| method (8 workers) | iid: test acc. | iid: train loss | by-class: test acc. | by-class: train loss | bytes up / step | clipped / step |")
print("|---|---|---|---|---|---|---|")
for name, r in rows.items():
    i, b = r.get("iid", {}), r.get("by-class", {})
    cell = lambda d, k, f: f.format(d[k]) if k in d else "-"
    print(f"| `{name}:{r['spec']}` | {cell(i,'test_accuracy','{:.4f}')} | {cell(i,'train_loss','{:.4f}')} | "
          f"{cell(b,'test_accuracy','{:.4f}')} | {cell(b,'train_loss','{:.4f}')} | {cell(i,'bytes_up','{:.0f}')} | "
          f"{cell(i,'clipped','{:.0f}')} |")
PY
