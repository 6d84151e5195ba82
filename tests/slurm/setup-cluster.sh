#!/usr/bin/env bash
# Sets up a single-node Slurm cluster on this Debian machine, for tests/slurm/run.sh: installs slurm-wlm and munge,
# writes a minimal slurm.conf for this host (its real CPU count and memory, read by `slurmd -C`), starts munged,
# slurmctld and slurmd, and waits until the node is idle. Needs root. `--stop` stops the daemons it started.
# Exit codes: 0 the cluster is ready; 77 it cannot be set up here (not root, not Debian, no package, a daemon that
# does not start): the reason is printed, and a caller counts that as skipped.
set -uo pipefail
conf=/etc/slurm/slurm.conf
marker="# written by simbias tests/slurm/setup-cluster.sh"
pids=(/run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid)

skip() { echo "slurm setup: cannot set up a cluster here: $*"; exit 77; }

stop() {
  for f in "${pids[@]}"; do
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null && for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$f"
  done
}

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ "${1:-}" = --stop ]; then stop; echo "slurm setup: daemons stopped"; exit 0; fi

[ "$(id -u)" -eq 0 ] || skip "needs root (installs packages and starts daemons)"
command -v apt-get > /dev/null || skip "no apt-get (the script is for Debian)"
if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
  skip "$conf exists and was not written by this script; it is left alone"
fi

# Packages: the controller, the node daemon, the client commands, and munge for authentication.
if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null || ! command -v sbatch > /dev/null || ! command -v munged > /dev/null; then
  log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge; } > "$log" 2>&1; then
    tail -15 "$log"; rm -f "$log"; skip "apt-get could not install slurm-wlm and munge"
  fi
  rm -f "$log"
fi
for c in slurmctld slurmd sbatch sinfo munged; do command -v "$c" > /dev/null || skip "$c is missing after the install"; done

# A node whose daemons already answer is left as it is (a second call, or a cluster this script started before).
if alive /run/slurmctld.pid && alive /run/slurmd.pid && sinfo -h -N -o %T 2>/dev/null | grep -qx idle; then
  echo "slurm setup: already running: $(sinfo -h -N -o '%N %T, %c CPUs, %m MB')"; exit 0
fi
stop

# Munge: one key shared by the controller and the node (the same machine here).
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
runuser -u munge -- munged --pid-file=/run/munge/munged.pid || skip "munged did not start"
munge -n | unmunge > /dev/null 2>&1 || skip "munge cannot encode and decode a credential"

# slurm.conf for this host. `slurmd -C` prints the node line Slurm itself measures (CPUs, sockets, cores, threads,
# memory); a node that claims more than it has is drained, so RealMemory keeps 5% back.
host=$(hostname -s)
nodeline=$(slurmd -C 2>/dev/null | grep '^NodeName=') || skip "slurmd -C could not describe this node"
mem=$(sed -nE 's/.*RealMemory=([0-9]+).*/\1/p' <<< "$nodeline")
nodeline=$(sed -E "s/RealMemory=[0-9]+/RealMemory=$((mem * 95 / 100))/; s/^NodeName=[^ ]+/NodeName=$host NodeAddr=127.0.0.1/" <<< "$nodeline")
install -d -o slurm -g slurm -m 0755 /var/lib/slurm /var/lib/slurm/slurmctld /var/log/slurm
install -d -m 0755 /var/lib/slurm/slurmd /etc/slurm
cat > "$conf" << EOF
$marker
ClusterName=simbias-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# No cgroups (a container may not offer them): processes tracked by parent id, no CPU binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
# Tasks share the node CPU by CPU, so an array's tasks run side by side.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdTimeout=60
$nodeline State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

# -c: a test cluster starts with no jobs left from an earlier start.
slurmctld -c || skip "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
slurmd || skip "slurmd did not start (see /var/log/slurm/slurmd.log)"
for _ in $(seq 60); do
  state=$(sinfo -h -N -o %T 2>/dev/null | head -1)
  [ "$state" = idle ] && { echo "slurm setup: ready: $(sinfo -h -N -o '%N %T, %c CPUs, %m MB') ($(sinfo -V))"; exit 0; }
  sleep 1
done
tail -5 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log 2>/dev/null
sinfo -R 2>/dev/null
skip "the node did not become idle within 60 s (state: ${state:-none})"
