#!/usr/bin/env bash
# An adaptive study as Slurm job arrays, one per refinement pass (src/Verify/SLURM.md, "Adaptive sweeps"), on the
# cluster tests/slurm/setup-cluster.sh makes: array, merge, refine, until refine writes no next pass. Prints each
# pass's brackets and the study's wall time.
# Usage: tests/slurm/study.sh GRID.json WORKDIR [SLICES [THROTTLE]]   (SIMBIAS=path to a published simbias; default:
# publish one). THROTTLE: at most that many of a pass's tasks at once (sbatch --array=0-(SLICES-1)%THROTTLE).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
grid=${1:?usage: study.sh GRID.json WORKDIR [SLICES [THROTTLE]]}
work=${2:?usage: study.sh GRID.json WORKDIR [SLICES [THROTTLE]]}
slices=${3:-2}
throttle=${4:+%$4}
mkdir -p "$work/logs"
if [ -z "${SIMBIAS:-}" ]; then
  dotnet publish "$repo/src/Verify" -c Release -r linux-x64 --self-contained -o "$work/bin" -nologo > "$work/publish.log" 2>&1 ||
    { tail -20 "$work/publish.log"; exit 1; }
  SIMBIAS=$work/bin/simbias
fi
cp "$grid" "$work/pass-1.json"
cd "$work"
export SIMBIAS SIMBIAS_OUT=$work/out SIMBIAS_SLICES=$slices SIMBIAS_MODE=--resume
start=$SECONDS
for k in $(seq 1 20); do
  [ -f "pass-$k.json" ] || break
  export SIMBIAS_SPEC=pass-$k.json
  # A task's exit code 1 means a check failed (the study expects some: runs outside the theory's regime), not
  # that runs are missing; refine below refuses a pass whose runs are not all recorded.
  sbatch --array=0-$((slices - 1))$throttle --cpus-per-task=1 --wait "$repo/src/Verify/sweep.sbatch" > /dev/null
  echo "pass $k: array exit code $?"
  "$SIMBIAS" merge "$SIMBIAS_OUT" > "merge-$k.log" 2>&1
  [ $? -le 1 ] || { echo "pass $k: merge failed (merge-$k.log)"; exit 1; }
  "$SIMBIAS" refine "pass-$k.json" "$SIMBIAS_OUT" --out "pass-$((k + 1)).json" || { echo "pass $k: refine refused the pass"; exit 1; }
  echo "pass $k done at $((SECONDS - start)) s"
done
echo "study wall time: $((SECONDS - start)) s"
