#!/usr/bin/env bash
# make slurm-check: a sweep through a real Slurm, on this machine alone.
# Installs slurm-wlm and munge from Debian if missing, starts munged, a
# slurmctld and a slurmd with a minimal configuration in a temporary
# folder, submits a 24-point sweep as a job array, waits, gathers, and
# compares the CSV with the same sweep run locally, byte for byte; then
# deletes two finished points, submits again (only they run) and compares
# again. Stops the daemons it started. Needs root (it installs packages
# and runs the daemons). Where a daemon cannot start it says so and fails.
set -euo pipefail
bin=$(realpath "${1:?usage: slurm-check.sh PLSIM_BINARY}")
src=$(cd "$(dirname "$0")/.." && pwd)

say() { echo "slurm-check: $*"; }
fail() { echo "slurm-check: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root: it installs slurm-wlm and munge and runs their daemons"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge from Debian"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi

tmp=$(mktemp -d /tmp/plsim-slurm-check.XXXXXX)
started_munge=0
cleanup() {
  for p in "$tmp/slurmd.pid" "$tmp/slurmctld.pid"; do
    [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
  done
  if [ "$started_munge" -eq 1 ] && [ -f "$tmp/munged.pid" ]; then
    kill "$(cat "$tmp/munged.pid")" 2>/dev/null || true
  fi
  sleep 1
  rm -rf "$tmp"
}
trap cleanup EXIT

# munge: a key, then the daemon unless one already answers
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  chmod 0700 /etc/munge
  chmod 0400 /etc/munge/munge.key
  munged --force --pid-file="$tmp/munged.pid" 2>"$tmp/munged.err" ||
    fail "munged did not start: $(cat "$tmp/munged.err")"
  started_munge=1
  for _ in $(seq 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
  munge -n | unmunge >/dev/null 2>&1 || fail "munged does not answer"
fi

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log"
cat > "$tmp/slurm.conf" <<EOF
ClusterName=plsimcheck
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SlurmctldPort=6917
SlurmdPort=6918
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=check Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start: $(tail -5 "$tmp/log/slurmctld.log" 2>/dev/null)"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start: $(tail -5 "$tmp/log/slurmd.log" 2>/dev/null)"
for _ in $(seq 60); do
  [ "$(sinfo -h -o %t 2>/dev/null | head -1)" = "idle" ] && break
  sleep 0.5
done
[ "$(sinfo -h -o %t 2>/dev/null | head -1)" = "idle" ] ||
  fail "the node never became idle: $(sinfo 2>&1 | tail -2); $(tail -5 "$tmp/log/slurmd.log")"
say "slurmctld and slurmd up on $host ($cpus CPUs)"

sweep=("$src/scenarios/paper-7b.json" --vary link.rtt=0ms,1ms,10ms,47ms --vary rank=16,32,64
       --vary workload.batch=1,4 --set workload.prompt_tokens=16 --set workload.new_tokens=4)
"$bin" sweep "${sweep[@]}" -q -o "$tmp/local.csv"

# waits for job $1 to leave the queue
wait_job() {
  for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
    sleep 0.5
  done
  fail "job $1 still queued after 300 s: $(squeue -j "$1" 2>&1)"
}

# plsim writes the folder and submits it (sbatch prints "Submitted batch job N")
out=$("$bin" sweep "${sweep[@]}" -q --slurm "$tmp/arr" --array-size 6 --submit) ||
  fail "plsim sweep --submit: $out"
job=$(echo "$out" | awk '/Submitted batch job/ {print $4}')
[ -n "$job" ] || fail "no job id in: $out"
wait_job "$job"
"$bin" gather "$tmp/arr" -o "$tmp/gathered.csv" ||
  fail "gather after the array: $(tail -3 "$tmp"/arr/logs/* 2>/dev/null)"
cmp "$tmp/local.csv" "$tmp/gathered.csv" || fail "the gathered CSV differs from the local sweep"
say "24 points in 6 tasks gathered: identical to the local sweep"

# two points lost: the array again runs only them
rm "$tmp/arr/shards/5.csv" "$tmp/arr/shards/17.csv"
keep=$(stat -c %i "$tmp/arr/shards/0.csv")
"$bin" gather "$tmp/arr" -o "$tmp/partial.csv" 2>/dev/null && fail "gather passed with points missing"
[ ! -e "$tmp/partial.csv" ] || fail "gather wrote a CSV with points missing"
job=$(sbatch --parsable "$tmp/arr/job.sh") || fail "sbatch refused the job again"
wait_job "${job%%;*}"
[ "$(stat -c %i "$tmp/arr/shards/0.csv")" = "$keep" ] || fail "a finished point ran again"
"$bin" gather "$tmp/arr" -o "$tmp/gathered2.csv" || fail "gather after the second submission"
cmp "$tmp/local.csv" "$tmp/gathered2.csv" || fail "the CSV after resubmission differs"
say "resubmitted: the 2 missing points ran, the CSV is identical again"
say "ok"
