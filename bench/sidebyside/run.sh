#!/usr/bin/env bash
# Side by side on R1: SciPy solve_ivp (RK45, DOP853, LSODA), NumPy and PyTorch full-batch gradient descent at lr 0.01,
# and this toolkit's integrator, on identical inputs (`bench export r1`), at horizons t = 1e2 and 1e4 (override with
# HORIZONS="..."). Writes the table as a section of bench/RESULTS.md. Caps: SCIPY_CAP (s, default 120), GD_CAP (900).
# Usage: bench/sidebyside/run.sh [OUTDIR]     (default /tmp/sidebyside)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-/tmp/sidebyside}
PY=${PY:-/usr/bin/python3}            # Debian's interpreter: the one apt's python3-* packages install into
HORIZONS=${HORIZONS:-"1e2 1e4"}
SCIPY_CAP=${SCIPY_CAP:-120}
GD_CAP=${GD_CAP:-900}

if ! "$PY" -c "import numpy, scipy, torch" 2>/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3-numpy python3-scipy python3-torch
fi

dotnet build "$ROOT/bench" -c Release -v q -nologo
BENCH="$ROOT/bench/bin/Release/net10.0/Bench"
DATA="$OUT/r1"
mkdir -p "$DATA" "$OUT/json"
"$BENCH" export r1 "$DATA"

. "$HERE/openblas.sh"
# Large temporaries are served by fresh mmaps (a page fault per page on every call, 10x slower at R1's size):
# keep them on the heap. Helps PyTorch's autograd temporaries; the NumPy code preallocates its buffers anyway.
export MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000
# one core for everybody: the toolkit's integrator is single-threaded
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
SBS="$PY $HERE/sidebyside.py"
for T in $HORIZONS; do
  "$BENCH" r1 --horizon "$T" --quiet --save-final "$DATA/toolkit_raw_$T.csv" | tee "$OUT/toolkit_$T.txt"
  $SBS toolkit "$DATA" "$T" "$OUT/toolkit_$T.txt" "$DATA/toolkit_raw_$T.csv" "$OUT/json/toolkit_$T.json"
  for M in RK45 DOP853 LSODA; do
    $SBS scipy "$DATA" "$T" "$M" "$SCIPY_CAP" "$OUT/json/${M}_$T.json"
  done
  $SBS gd-numpy "$DATA" "$T" 0.01 "$GD_CAP" "$OUT/json/gd-numpy-0.01_$T.json"
  $SBS gd-torch "$DATA" "$T" 0.01 "$GD_CAP" "$OUT/json/gd-torch-0.01_$T.json"
  # the toolkit's own gradient descent at lr 0.01 and 0.005: the learning-rate error of GD (Richardson)
  for LR in 0.01 0.005; do
    "$BENCH" gd r1 --lr "$LR" --horizon "$T" --quiet --save-final "$DATA/toolkit_gd_raw_${LR}_$T.csv" | tee "$OUT/toolkit_gd_${LR}_$T.txt"
    $SBS toolkit "$DATA" "$T" "$OUT/toolkit_gd_${LR}_$T.txt" "$DATA/toolkit_gd_raw_${LR}_$T.csv" "$OUT/json/toolkit-gd-${LR}_$T.json" "toolkit-gd-lr$LR"
  done
done
$PY "$HERE/table.py" "$OUT/json" "$DATA" "$ROOT/bench/RESULTS.md" "bench/sidebyside/run.sh (HORIZONS=\"$HORIZONS\" SCIPY_CAP=$SCIPY_CAP GD_CAP=$GD_CAP)"
echo "kernel, NumPy single-threaded:"
$PY "$HERE/kernel_numpy.py" 10000,100,5 100000,100,10 | tee "$OUT/kernel_numpy.txt"
