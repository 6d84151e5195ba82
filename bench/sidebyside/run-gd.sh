#!/usr/bin/env bash
# One reference problem (PROBLEM, default r3) side by side with NumPy full-batch gradient descent at lr 0.01 on the
# same inputs (`bench export`), to t = HORIZON (default 1e3). SciPy's integrators are left out: at R3's size they
# do not reach t = 10 within any cap worth waiting for. GD_CAP (s of wall time, default 900) caps the descent; a
# capped run reports how far t got, and the table extrapolates its time to the horizon at its measured rate.
# Usage: bench/sidebyside/run-gd.sh [OUTDIR]     (default /tmp/sidebyside-gd)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-/tmp/sidebyside-gd}
PY=${PY:-/usr/bin/python3}
PROBLEM=${PROBLEM:-r3}
HORIZON=${HORIZON:-1e3}
GD_CAP=${GD_CAP:-900}

if ! "$PY" -c "import numpy" 2>/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3-numpy
fi
dotnet build "$ROOT/bench" -c Release -v q -nologo
BENCH="$ROOT/bench/bin/Release/net10.0/Bench"
DATA="$OUT/$PROBLEM"
mkdir -p "$DATA" "$OUT/json"
"$BENCH" export "$PROBLEM" "$DATA"
. "$HERE/openblas.sh"
# One core each, as the toolkit's integrator is single-threaded.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
export MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000
"$BENCH" "$PROBLEM" --horizon "$HORIZON" --quiet --save-final "$DATA/toolkit_raw_$HORIZON.csv" | tee "$OUT/toolkit_$HORIZON.txt"
"$PY" "$HERE/sidebyside.py" toolkit "$DATA" "$HORIZON" "$OUT/toolkit_$HORIZON.txt" "$DATA/toolkit_raw_$HORIZON.csv" "$OUT/json/toolkit_$HORIZON.json"
"$PY" "$HERE/sidebyside.py" gd-numpy "$DATA" "$HORIZON" 0.01 "$GD_CAP" "$OUT/json/gd-numpy-0.01_$HORIZON.json"
"$PY" - "$OUT/json" "$HORIZON" <<'PY'
import json, os, sys
d, T = sys.argv[1], float(sys.argv[2])
tk = json.load(open(os.path.join(d, f"toolkit_{sys.argv[2]}.json")))
gd = json.load(open(os.path.join(d, f"gd-numpy-0.01_{sys.argv[2]}.json")))
rate = gd["cpu"] / max(gd["t"], 1e-300)
print(f"toolkit: t = {tk['t']:g} in {tk['cpu']:.1f} CPU s, loss {tk['loss']:.10f}")
print(f"NumPy GD lr 0.01: t = {gd['t']:g} in {gd['cpu']:.1f} CPU s, loss {gd['loss']:.10f}"
      + ("" if gd["t"] >= T else f" (capped; {rate * T:.0f} CPU s to t = {T:g} at its rate)"))
print(f"ratio of CPU times to t = {T:g}: {rate * T / tk['cpu']:.1f}")
PY
