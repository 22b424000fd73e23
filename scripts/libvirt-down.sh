#!/usr/bin/env bash
# Stops exactly the processes scripts/libvirt-up.sh started (their PIDs are in its state file), newest
# first, and nothing else: a libvirtd that was already running stays up. Idempotent.
set -euo pipefail

STATE_FILE=${VMDEVICES_LIBVIRT_STATE:-/run/vmdevices-libvirt.pids}
STOP_SECONDS=${VMDEVICES_LIBVIRT_STOP_WAIT:-30}

say() { printf 'libvirt-down: %s\n' "$*"; }

# True when process $2 is alive and still named $1 (a recycled PID is not ours).
is_ours() {
  local comm
  read -r comm 2>/dev/null <"/proc/$2/comm" && [[ $comm == "$1" ]]
}

if [[ ! -f $STATE_FILE ]]; then
  say "nothing to stop ($STATE_FILE does not exist)"
  exit 0
fi
[[ $EUID -eq 0 ]] || {
  printf 'libvirt-down: error: must run as root: sudo scripts/libvirt-down.sh\n' >&2
  exit 1
}

mapfile -t entries <"$STATE_FILE"
failed=0
for ((i = ${#entries[@]} - 1; i >= 0; i--)); do
  read -r name pid <<<"${entries[i]}"
  [[ -n ${name:-} ]] || continue
  if ! is_ours "$name" "$pid"; then
    say "$name (pid $pid) is no longer running"
    continue
  fi
  if [[ $name == libvirtd ]]; then
    # QEMU processes outlive libvirtd by design; say so instead of killing what we did not start.
    running=$(timeout 10 virsh -c qemu:///system list --name 2>/dev/null | sed '/^$/d' | tr '\n' ' ' || true)
    [[ -z $running ]] || say "warning: domains still running (their QEMU processes stay up): $running"
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((w = 0; w < STOP_SECONDS * 10; w++)); do
    is_ours "$name" "$pid" || break
    sleep 0.1
  done
  if is_ours "$name" "$pid"; then
    say "$name (pid $pid) ignored SIGTERM for $STOP_SECONDS s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  if is_ours "$name" "$pid"; then
    say "error: could not stop $name (pid $pid)" >&2
    failed=1
  else
    say "stopped $name (pid $pid)"
  fi
done
if ((failed)); then exit 1; fi
rm -f "$STATE_FILE"
