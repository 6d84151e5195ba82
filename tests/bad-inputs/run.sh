#!/usr/bin/env bash
# The bad-input table: runs a list of bad inputs through the simbias command line, as a new user would type them,
# and counts how each ended. Each case states the exit code it must give: 2 for bad input (a message naming the
# option or field, nothing run), 1 for a run the solver could not do. A case is
#   handled  when simbias gives that code without a .NET stack trace,
#   wrong    when it gives another ordinary code (0, 1, 2, 130) or accepts the input,
#   crash    when it ends with a stack trace, 134 or any other code, or hangs past the time limit.
# Usage (from the repository root, after `dotnet build src/Verify -c Release`):
#   bash tests/bad-inputs/run.sh            # the table and the totals
#   SIMBIAS="dotnet path/to/simbias.dll" bash tests/bad-inputs/run.sh
# It works in a temporary directory and deletes it; exit status 0 when every case is handled.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIMBIAS=${SIMBIAS:-"dotnet $ROOT/src/Verify/bin/Release/net10.0/simbias.dll"}
LIMIT=${LIMIT:-120}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

# Fixtures: small and quick, so cases that get past validation end in seconds.
echo '{"d": 2, "n": 20, "m": 4, "testN": 50, "horizon": 10, "expect": "none"}' > good.json
echo '{"name": "g", "base": {"d": 2, "m": 4, "testN": 50, "horizon": 10, "expect": "none"}, "grid": {"n": [20, 30]}}' > sweep.json
printf 'x1,x2,y\n1,2,3\n2,1,0\n-1,3,1\n0.5,-2,2\n1.5,1,-1\n0,1,2\n' > good.csv
$SIMBIAS sweep sweep.json --out results --no-progress >/dev/null 2>&1
touch afile; mkdir -p wrongkind/report.md badfig; touch badfig/figures
mkdir -p runsdir/runs.jsonl emptydir garbage; printf 'garbage\n{"hash":\n' > garbage/runs.jsonl

spec() { local f="spec$((++NSPEC)).json"; printf '%s' "$1" > "$f"; echo "$f"; }
csv() { local f="data$((++NCSV)).csv"; printf "$1" > "$f"; echo "$f"; }
NSPEC=0; NCSV=0; N=0; HANDLED=0; WRONG=0; CRASH=0

# case EXPECTED "what" args...
case_() {
  local want=$1 what=$2; shift 2
  N=$((N + 1))
  local out="case$N"
  { timeout -s KILL "$LIMIT" $SIMBIAS "$@" > "$out.out" 2> "$out.err" < /dev/null; } 2>/dev/null
  local code=$?
  local verdict
  if grep -q "Unhandled exception\|   at [A-Z][A-Za-z.]*(" "$out.err" "$out.out"; then verdict=crash
  elif [ "$code" = "$want" ]; then verdict=handled
  elif [ "$code" = 0 ] || [ "$code" = 1 ] || [ "$code" = 2 ] || [ "$code" = 130 ]; then verdict=wrong
  else verdict=crash
  fi
  case $verdict in handled) HANDLED=$((HANDLED + 1));; wrong) WRONG=$((WRONG + 1));; crash) CRASH=$((CRASH + 1));; esac
  printf '%-4s %-8s exit %-3s (want %s)  %s\n' "$N" "$verdict" "$code" "$want" "$what"
}

# --- specs: fields, types, ranges
for f in '"n": 0' '"n": -5' '"n": 1.5' '"n": "20"' '"n": 1e9' '"d": 0' '"d": 20000' '"m": 0' '"m": 2000000' \
         '"lambda": 0' '"lambda": -1' '"lambda": 1e4' '"lambda": 1e-400' '"sigma": -1' '"rtol": 0' '"rtol": 1' '"rtol": 1e-40' \
         '"rtol": 1e-160' '"rtol": 1e-160, "atol": 0' '"atol": -1' '"atol": 1' '"horizon": 0' '"horizon": 1e16' '"maxSteps": 0' '"learningRate": 0' \
         '"pointsPerDecade": 0' '"earlyPhaseEps": 1' '"seed": -1' '"testN": -1' '"solver": "euler"' '"init": "random"' \
         '"activation": "tanh"' '"expect": "maybe"' '"dataModel": "cauchy"' '"teacher": "quadratic"' '"teacherUnits": 0' \
         '"beta": [1, 2, 3]' '"beta": [0, 0]' '"sigmaa": 1' '"tolerances": {"ols": 0}' '"tolerances": {"olz": 1}' \
         '"testNoise": "yes"' '"threshold": -3' '"specVersion": 7' '"n": null' '"shift": 1e9'; do
  case_ 2 "spec {$f}" run "$(spec "{\"d\": 2, \"n\": 20, \"m\": 4, \"horizon\": 10, $f}")" --out "o$N" --no-progress
done
case_ 2 "spec: not JSON" run "$(spec '{"n": 20,')" --out o --no-progress
case_ 2 "spec: an array" run "$(spec '[1, 2]')" --out o --no-progress
case_ 2 "spec: empty file" run "$(spec '')" --out o --no-progress
case_ 2 "spec: duplicate field" run "$(spec '{"n": 20, "n": 30}')" --out o --no-progress
case_ 2 "spec: orthogonal with n > d" run "$(spec '{"dataModel": "orthogonal", "n": 20, "d": 2}')" --out o --no-progress
case_ 2 "spec: gd with too many steps" run "$(spec '{"solver": "gd", "horizon": 1e15, "learningRate": 1e-6}')" --out o --no-progress
case_ 2 "spec: flow-plain rtol 1e-16" run "$(spec '{"d": 2, "n": 20, "m": 4, "solver": "flow-plain", "rtol": 1e-16}')" --out o --no-progress
case_ 2 "spec: missing file" run nosuch.json --out o --no-progress
case_ 2 "spec: a directory" run emptydir --out o --no-progress
# --- solver failures: the run is done and fails
case_ 1 "maxSteps 5 towards t = 1e12" run "$(spec '{"n": 64, "d": 3, "m": 30, "horizon": 1e12, "testN": 500, "maxSteps": 5}')" --out ms --no-progress
case_ 1 "maxSteps 1" run "$(spec '{"n": 20, "d": 2, "m": 4, "horizon": 1e6, "testN": 50, "maxSteps": 1}')" --out ms1 --no-progress
# --- sweeps
case_ 2 "sweep: not JSON" sweep "$(spec '{"name": ')" --out s --no-progress
case_ 2 "sweep: spec fields at top level" sweep "$(spec '{"n": 20}')" --out s --no-progress
case_ 2 "sweep: empty grid axis" sweep "$(spec '{"base": {"d": 2}, "grid": {"n": []}}')" --out s --no-progress
case_ 2 "sweep: bad grid value" sweep "$(spec '{"base": {"d": 2}, "grid": {"n": [20, -1]}}')" --out s --no-progress
case_ 2 "sweep: unknown grid field" sweep "$(spec '{"base": {"d": 2}, "grid": {"nn": [20]}}')" --out s --no-progress
case_ 2 "sweep: name not a string" sweep "$(spec '{"name": 3, "base": {"d": 2}}')" --out s --no-progress
case_ 2 "sweep: runs not an array" sweep "$(spec '{"runs": {"n": 3}}')" --out s --no-progress
for sh in 2/2 -1/2 a/b 1/0 "0/2/3" "" "1/" "0.5/2"; do
  case_ 2 "--shard '$sh'" sweep sweep.json --shard "$sh" --out "sh$N" --no-progress
done
case_ 2 "--resume with --force" sweep sweep.json --out results --resume --force --no-progress
case_ 2 "sweep into existing results without --resume" sweep sweep.json --out results --no-progress
case_ 2 "run into another job's results" run good.json --out results --no-progress
# --- command line
for t in 0 -1 abc 1.5 ""; do case_ 2 "--threads '$t'" sweep sweep.json --threads "$t" --out "t$N" --no-progress; done
for t in 0 abc; do case_ 2 "--starts '$t'" extremal good.csv --starts "$t"; done
case_ 2 "--seed abc" extremal good.csv --seed abc
case_ 2 "unknown command" frobnicate
case_ 2 "unknown option" run good.json --bogus
case_ 2 "missing argument" run
case_ 2 "--scale huge" reproduce --scale huge
case_ 2 "--grid missing file" reproduce --grid nosuch.json --out rp
for v in 0 1001 abc; do case_ 2 "reproduce --checkpoints $v" reproduce --grid sweep.json --checkpoints "$v" --out "rc$N" --no-progress; done
case_ 2 "--checkpoints on an adaptive scale" reproduce --scale dimensions-small --checkpoints 8 --out rc --no-progress
case_ 2 "checkpointsPerDecade with gd" run good.json --set checkpointsPerDecade=8 --set solver=gd --out rc --no-progress
case_ 2 "checkpointsPerDecade -1" run good.json --set checkpointsPerDecade=-1 --out rc --no-progress
case_ 2 "--solver euler" check good.csv --solver euler
case_ 2 "--expect maybe" check good.csv --expect maybe
for v in NaN Infinity -Infinity 0 -1 1e-400 1e9 abc; do case_ 2 "check --lambda $v" check good.csv --lambda "$v" --out "c$N" --no-progress; done
for v in NaN Infinity 0 -5 abc; do case_ 2 "check --horizon $v" check good.csv --horizon "$v" --out "c$N" --no-progress; done
case_ 2 "check --m 0" check good.csv --m 0 --out c --no-progress
case_ 2 "check --m abc" check good.csv --m abc --out c --no-progress
case_ 2 "check --spec bad spec" check good.csv --spec "$(spec '{"m": -3}')" --out c --no-progress
case_ 2 "check --test of another d" check good.csv --test "$(csv '1,2,3,4\n4,5,6,7\n')" --out c --no-progress
# --- CSV data
for c in '' 'x,y\n' '1,2,3x\n4,5,6\n7,8,9\n' '1,2\n3\n' '1,2,3\n4,5\n' 'a,b\n1,oops\n' '1\n2\n' '1,NaN\n2,3\n' '1,Infinity\n2,3\n' 'x,y\n1,2\n3,\n' '1;2;3\n4;5;6\n'; do
  case_ 2 "csv '$c'" extremal "$(csv "$c")"
done
case_ 2 "csv missing" extremal nosuch.csv
case_ 2 "check csv with bad first row" check "$(csv '1,2,3x\n4,5,6\n7,8,9\n1,1,1\n')" --out cb --no-progress
# --- output paths
for cmd in run check sweep reproduce; do
  case "$cmd" in
    run) a=(run good.json);; check) a=(check good.csv);; sweep) a=(sweep sweep.json);; reproduce) a=(reproduce --grid sweep.json);;
  esac
  case_ 2 "$cmd --out a file" "${a[@]}" --out afile --no-progress
  case_ 2 "$cmd --out under a file" "${a[@]}" --out afile/sub --no-progress
  case_ 2 "$cmd --out not creatable" "${a[@]}" --out /proc/simbias-bad-input --no-progress
  case_ 2 "$cmd --out report.md a directory" "${a[@]}" --out wrongkind --no-progress
  case_ 2 "$cmd --out figures a file" "${a[@]}" --out badfig --no-progress
done
case_ 2 "merge: no directory" merge nosuch
case_ 2 "merge: empty directory" merge emptydir
case_ 2 "merge: only unreadable lines" merge garbage
case_ 2 "merge --out a file" merge results --out afile
case_ 2 "merge --out under a file" merge results --out afile/sub
case_ 2 "merge --out runs.jsonl a directory" merge results --out runsdir
case_ 2 "report: no directory" report nosuch
case_ 2 "report: empty directory" report emptydir
case_ 2 "report: a file" report afile
cp -r results rwrong; rm -f rwrong/report.md; mkdir rwrong/report.md
case_ 2 "report: report.md a directory" report rwrong
cp -r results rfig; rm -rf rfig/figures; touch rfig/figures
case_ 2 "report: figures a file" report rfig
case_ 2 "extremal: data a directory" extremal emptydir
# --- --init files (run: d must be the spec's 2; check: the data's 2)
printf 'a,w_1,w_2\n0.1,0.2,0.3\n0.4,x,0.6\n' > init-nan.csv
printf '0.1,0.2,0.3\n0.4,0.5\n' > init-ragged.csv
printf '0.1,0.2,0.3,0.4\n' > init-d3.csv
printf 'a,w_1,w_2\n' > init-empty.csv
printf '0.1,0.2,0.3\n' > init-ok.csv
printf '\x93NUMPY\x01\x00\x44\x00{'"'"'descr'"'"': '"'"'<i8'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (1, 3), }        \n' > init-int.npy
head -c 30 init-int.npy > init-cut.npy
case_ 2 "run --init: a cell not a number" run good.json --init init-nan.csv --out i1 --no-progress
case_ 2 "run --init: ragged rows" run good.json --init init-ragged.csv --out i2 --no-progress
case_ 2 "run --init: d = 3 for a d = 2 spec" run good.json --init init-d3.csv --out i3 --no-progress
case_ 2 "run --init: header only" run good.json --init init-empty.csv --out i4 --no-progress
case_ 2 "run --init: no such file" run good.json --init nosuch.csv --out i5 --no-progress
case_ 2 "run --init: NPY of int64" run good.json --init init-int.npy --out i6 --no-progress
case_ 2 "run --init: NPY header cut short" run good.json --init init-cut.npy --out i7 --no-progress
case_ 2 "check --init: m disagrees with --m" check good.csv --init init-ok.csv --m 3 --out i8 --no-progress
case_ 2 "check --init: d = 3 for d = 2 data" check good.csv --init init-d3.csv --out i9 --no-progress
case_ 2 "plot: no directory" plot nosuch --run 00
case_ 2 "plot: empty directory" plot emptydir --run 00
case_ 2 "plot: --run missing" plot results
case_ 2 "plot: --run not hexadecimal" plot results --run xyz
case_ 2 "plot: --run matching no run" plot results --run "$(grep -o '"hash":"[0-9a-f]' results/runs.jsonl | cut -d'"' -f4 | sort -u | awk 'BEGIN{h="0123456789abcdef"} {u[$1]=1} END{for(i=1;i<=16;i++){c=substr(h,i,1); if(!(c in u)){print c; exit}}}')"
case_ 2 "plot: --out a file" plot results --run "$(grep -o '"hash":"[0-9a-f]*' results/runs.jsonl | head -1 | cut -d'"' -f4)" --out afile
case_ 2 "run --quiet with --verbose" run good.json --out qv --quiet --verbose
for j in "run good.json --out afile" "check good.csv --lambda NaN" "sweep sweep.json --threads abc" "merge emptydir" "report nosuch"; do
  # shellcheck disable=SC2086
  case_ 2 "--json: $j" $j --json
done

echo
echo "cases: $N  handled: $HANDLED  wrong code: $WRONG  crashing: $CRASH"
[ "$WRONG" = 0 ] && [ "$CRASH" = 0 ]
