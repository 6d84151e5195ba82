#!/usr/bin/env bash
# The Slurm recipe of src/Verify/SLURM.md, end to end on a real cluster (tests/slurm/setup-cluster.sh makes one on
# this machine): a self-contained publish, a 4-task array of src/Verify/sweep.sbatch on tests/slurm/sweep.json, a
# merge, and the merged records compared with a local `simbias sweep` of the same spec, byte for byte apart from
# wall times and the kernel path. Then slice 2 is resubmitted alone (--array=2, with --force after the merge) and
# must redo its own runs under its own number, and a finished task is requeued and must append to its log.
# Exit codes: 0 all identical, 1 a difference or a failed step, 77 no cluster answers here (skipped).
# SIMBIAS_BIN=DIR uses a simbias already published there instead of publishing one.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
start=$SECONDS
say() { echo "slurm: $* [$((SECONDS - start)) s]"; }
fail() { say "FAIL: $*"; say "kept for inspection: $work"; exit 1; }

command -v sbatch > /dev/null && sinfo -h > /dev/null 2>&1 || { say "skipped: no Slurm cluster answers here (tests/slurm/setup-cluster.sh sets one up)"; exit 77; }
work=$(mktemp -d /tmp/simbias-slurm.XXXXXX)

# Compute nodes may have no .NET: a self-contained publish carries its runtime.
if [ -n "${SIMBIAS_BIN:-}" ]; then
  bin=$SIMBIAS_BIN
else
  bin=$work/bin
  dotnet publish src/Verify -c Release -r linux-x64 --self-contained -o "$bin" -nologo > "$work/publish.log" 2>&1 ||
    { tail -20 "$work/publish.log"; fail "self-contained publish failed"; }
  say "published a self-contained simbias"
fi
[ -x "$bin/simbias" ] || fail "no executable $bin/simbias"

# Normalised records: one line per run, sorted, without what may differ between two runs of the same spec.
records() { sed -E 's/"wallSeconds":[^,}]*,?//; s/"trainingSeconds":[^,}]*,?//; s/"kernelPath":"[^"]*",?//' "$1" | sort; }
compare() {
  [ -s "$work/out/runs.jsonl" ] || fail "$1: the merge wrote no runs.jsonl"
  records "$work/out/runs.jsonl" > "$work/merged.records"
  if ! cmp -s "$work/local.records" "$work/merged.records"; then
    diff <(tr ',' '\n' < "$work/local.records") <(tr ',' '\n' < "$work/merged.records") | head -10
    fail "$1: merged records differ from the local sweep's"
  fi
  say "$1: $(wc -l < "$work/merged.records") merged records identical to the local sweep's"
}
# Waits until the job has left the queue (at most 150 s).
wait_job() {
  for _ in $(seq 150); do
    [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && return 0
    sleep 1
  done
  scancel "$1"; fail "job $1 still queued or running after 150 s"
}
submit() { (cd "$work" && sbatch --parsable --cpus-per-task=1 --time=10 "$@" "$repo/src/Verify/sweep.sbatch"); }

# The local reference, with the same binary.
"$bin/simbias" sweep tests/slurm/sweep.json --out "$work/local" --threads 2 --no-progress > "$work/local.log" 2>&1
[ -s "$work/local/runs.jsonl" ] || { tail -20 "$work/local.log"; fail "the local sweep wrote no results"; }
records "$work/local/runs.jsonl" > "$work/local.records"
runs=$(wc -l < "$work/local.records")

# The array, as SLURM.md submits it: logs/ made first, N passed to the script.
mkdir -p "$work/logs"
export SIMBIAS="$bin/simbias" SIMBIAS_SLICES=4 SIMBIAS_SPEC="$repo/tests/slurm/sweep.json" SIMBIAS_OUT="$work/out"
jid=$(submit --array=0-3) || fail "sbatch refused the array"
wait_job "$jid"
for i in 0 1 2 3; do
  log="$work/logs/simbias-${jid}_$i.out"
  [ -s "$log" ] || fail "task $i left no log ($log)"
  grep -q "^== slice $i/4, job ${jid}_$i, attempt 1," "$log" || { cat "$log"; fail "task $i: no attempt line in its log"; }
  [ -s "$work/out/runs.shard-$i-of-4.jsonl" ] || { cat "$log"; fail "task $i wrote no runs.shard-$i-of-4.jsonl"; }
done
say "array $jid: 4 tasks, $(cat "$work"/out/runs.shard-*-of-4.jsonl | wc -l) of $runs runs recorded"
"$bin/simbias" merge "$work/out" > "$work/merge.log" 2>&1 || { cat "$work/merge.log"; fail "merge failed"; }
compare "array"

# One task resubmitted alone after the merge: it must be slice 2 of 4 (SLURM_ARRAY_TASK_COUNT is 1 here) and, with
# --force, redo its runs although the merged runs.jsonl already holds them.
before=$(cat "$work/out/runs.shard-2-of-4.jsonl")
jid2=$(SIMBIAS_MODE=--force submit --array=2) || fail "sbatch refused the resubmission"
wait_job "$jid2"
log="$work/logs/simbias-${jid2}_2.out"
[ -s "$log" ] || fail "the resubmitted task left no log ($log)"
grep -q "^== slice 2/4, job ${jid2}_2, attempt 1," "$log" || { cat "$log"; fail "the resubmitted task is not slice 2/4"; }
grep -q "run(s) in shard 2/4: 0 already done, 2 finished now" "$log" || { cat "$log"; fail "the resubmitted slice did not redo its 2 runs"; }
[ "$(cat "$work/out/runs.shard-2-of-4.jsonl")" != "$before" ] || fail "slice 2's file is unchanged after --force"
others=$(ls "$work/out" | grep -E '^runs\.shard-' | grep -vE '^runs\.shard-[0-3]-of-4\.jsonl$')
[ -z "$others" ] || fail "unexpected results files: $others"
"$bin/simbias" merge "$work/out" > "$work/merge.log" 2>&1 || { cat "$work/merge.log"; fail "merge after the resubmission failed"; }
compare "resubmitted slice 2 ($jid2)"

# A requeued task appends its second attempt to the first one's log.
log="$work/logs/simbias-${jid}_1.out"
scontrol requeue "${jid}_1" || fail "scontrol requeue ${jid}_1 failed"
# Slurm makes a requeued job eligible only two minutes later; a test need not wait for that.
scontrol update JobId="${jid}_1" StartTime=now || fail "could not move the requeued task's start to now"
wait_job "${jid}_1"
grep -q "^== slice 1/4, job ${jid}_1, attempt 1," "$log" && grep -q "^== slice 1/4, job ${jid}_1, attempt 2," "$log" ||
  { cat "$log"; fail "the requeued task's log does not hold both attempts"; }
say "requeued task ${jid}_1: both attempts in one log"

say "pass"
rm -rf "$work"
