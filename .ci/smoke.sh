#!/usr/bin/env bash
# CLI smoke test, as CI uses the tool: gen-data → train --save → predict → eval, asserting on --json
# output, then the documented exit code for a few bad inputs. Runs the built bin/autograd.cjs.
set -euo pipefail
cd "$(dirname "$0")/.."
cli() { node bin/autograd.cjs "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }

# 1. a low-noise dataset with known coefficients
cli gen-data --n-samples 400 --n-features 3 --n-informative 3 --noise 0.1 --bias 2.5 --signed-coef --seed 7 --out "$work/d.csv"
[ -s "$work/d.csv" ] && [ -s "$work/d.csv.meta.json" ] || fail "gen-data wrote no CSV or sidecar"

# 2. train, save, and check the true coefficients are recovered within 0.5% of their scale
cli train --data "$work/d.csv" --standardize --lr 0.1 --epochs 60 --batch-size 32 --val-split 0.2 --save "$work/m.json" --json > "$work/train.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const t = r.truth, w = r.weights.weight[0];
  if (!t) throw new Error("no truth from the .meta.json sidecar");
  const scale = Math.max(...t.coef[0].map(Math.abs));
  t.coef[0].forEach((c, j) => { if (Math.abs(w[j] - c) > 0.005 * scale) throw new Error(`weight ${j}: ${w[j]} vs true ${c}`); });
  if (Math.abs(r.weights.bias[0] - t.bias) > 0.05) throw new Error(`bias ${r.weights.bias[0]} vs ${t.bias}`);
  if (!(r.final.val_loss < 0.05)) throw new Error(`validation loss ${r.final.val_loss}`);
  console.log(`smoke: train recovered ${w.map((v) => v.toFixed(3))} (true ${t.coef[0].map((v) => v.toFixed(3))}), bias ${r.weights.bias[0].toFixed(3)}`);
' "$work/train.json"

# 3. predict and eval with the saved model
cli predict --model "$work/m.json" --data "$work/d.csv" --out "$work/p.csv"
[ "$(wc -l < "$work/p.csv")" -eq 401 ] || fail "predict wrote $(wc -l < "$work/p.csv") lines, expected 401"
cli eval --model "$work/m.json" --data "$work/d.csv" --json > "$work/eval.json"
node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!(m.r2 > 0.9999 && m.rmse < 0.2)) throw new Error(`eval: r2 ${m.r2}, rmse ${m.rmse}`);
  console.log(`smoke: eval r2 ${m.r2.toFixed(6)} rmse ${m.rmse.toFixed(4)}`);
' "$work/eval.json"

# 4. the documented exit codes
expect() {
  local want=$1; shift
  set +e; cli "$@" > /dev/null 2> "$work/err"; local got=$?; set -e
  [ "$got" -eq "$want" ] || fail "autograd $* exited $got, expected $want ($(cat "$work/err"))"
  [ "$(wc -l < "$work/err")" -le 2 ] || fail "autograd $* printed more than a short error: $(cat "$work/err")"
  ! grep -q "    at " "$work/err" || fail "autograd $* printed a stack trace"
}
expect 2 train --lr abc
expect 2 train --lr -1
expect 2 train --epochs 2.5
expect 2 train --batch-size 0
expect 2 train --bogus-flag
expect 2 train --nesterov
expect 66 train --data "$work/missing.csv"
printf 'x0,y\n1,2\n3,12abc\n' > "$work/bad.csv"
expect 65 train --data "$work/bad.csv"
expect 1 train --data "$work/d.csv" --lr 1000 --epochs 5
expect 73 train --save "$work/no/such/dir/m.json" --epochs 1
expect 66 eval --model "$work/missing.json" --data "$work/d.csv"
echo "smoke: all CLI checks passed"
