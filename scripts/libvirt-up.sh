#!/usr/bin/env bash
# Starts a local libvirt (libvirtd + virtlogd driving QEMU with TCG, no KVM needed) for the end-to-end
# tests, on Debian 12 as root, without systemd. Idempotent: installs only missing packages, rewrites
# qemu.conf only when its settings differ, starts only daemons that are not running, and records the
# PIDs of exactly the processes it started in $STATE_FILE so that libvirt-down.sh stops those and
# nothing else.
set -euo pipefail

STATE_FILE=${VMDEVICES_LIBVIRT_STATE:-/run/vmdevices-libvirt.pids}
WAIT_SECONDS=${VMDEVICES_LIBVIRT_WAIT:-60}
URI=qemu:///system
QEMU_CONF=/etc/libvirt/qemu.conf
QEMU_CONF_BACKUP=$QEMU_CONF.vmdevices-orig
LOG_DIR=/var/log/libvirt
PACKAGES=(libvirt-daemon-driver-qemu libvirt-daemon libvirt-clients qemu-system-x86 libxml2-utils)

say() { printf 'libvirt-up: %s\n' "$*"; }
die() {
  printf 'libvirt-up: error: %s\n' "$*" >&2
  exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# PIDs whose command name is exactly $1 (read from /proc: procps may be missing on a fresh machine).
pids_of() {
  local p comm
  for p in /proc/[0-9]*; do
    read -r comm 2>/dev/null <"$p/comm" || continue
    [[ $comm == "$1" ]] && printf '%s\n' "${p#/proc/}"
  done
  return 0
}

# True when process $2 is alive and still named $1 (a recycled PID is not ours).
is_ours() {
  local comm
  read -r comm 2>/dev/null <"/proc/$2/comm" && [[ $comm == "$1" ]]
}

libvirt_answers() { timeout 10 virsh -c "$URI" version >/dev/null 2>&1; }

[[ $EUID -eq 0 ]] || die "must run as root: sudo scripts/libvirt-up.sh"
t_all=$(now)

# 1. Packages (apt-get update only when something must be installed).
t=$(now)
missing=()
for pkg in "${PACKAGES[@]}"; do
  [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null) == ii* ]] || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${missing[@]}" || die "apt-get install ${missing[*]} failed"
  say "packages installed ($(since "$t"))"
else
  say "packages present"
fi
for tool in libvirtd virtlogd virsh virt-xml-validate qemu-system-x86_64; do
  command -v "$tool" >/dev/null || die "$tool not found after installing ${PACKAGES[*]}"
done

# 2. Users, groups and directories the Debian packages expect (libvirt-daemon-system would create
#    them, but it needs systemd). Debian's QEMU driver looks up its built-in default user and group
#    libvirt-qemu at start, before qemu.conf overrides them, and fails when either is missing.
getent group kvm >/dev/null || groupadd -r kvm
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 ||
  useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
mkdir -p "$LOG_DIR" /run/libvirt /var/lib/libvirt/qemu /var/cache/libvirt

# 3. qemu.conf: QEMU runs as root, with no cgroups (none are delegated to a container) and no security
#    driver (no AppArmor/SELinux labelling). Each key must be assigned exactly once, to our value.
declare -A WANT=([user]='"root"' [group]='"root"' [security_driver]='"none"' [cgroup_controllers]='[ ]')
conf_ok() {
  [[ -f $QEMU_CONF ]] || return 1
  local key lines
  for key in "${!WANT[@]}"; do
    lines=$(grep -E "^[[:space:]]*$key[[:space:]]*=" "$QEMU_CONF" || true)
    [[ $(printf '%s' "$lines" | grep -c '') == 1 ]] || return 1
    [[ $(printf '%s' "$lines" | sed -E 's/^[^=]*=[[:space:]]*//; s/[[:space:]]+$//; s/\[[[:space:]]*\]/[ ]/') == "${WANT[$key]}" ]] ||
      return 1
  done
}
conf_changed=no
if conf_ok; then
  say "$QEMU_CONF already set for root without cgroups or security driver"
else
  if [[ -f $QEMU_CONF && ! -e $QEMU_CONF_BACKUP ]]; then
    cp -p "$QEMU_CONF" "$QEMU_CONF_BACKUP"
    say "backed up $QEMU_CONF to $QEMU_CONF_BACKUP"
  fi
  tmp=$(mktemp "$QEMU_CONF.XXXXXX")
  {
    # Keep every other setting; drop our keys' assignments (cgroup_controllers may span lines).
    if [[ -f $QEMU_CONF ]]; then
      awk '
        skip { if ($0 ~ /\]/) skip = 0; next }
        /^# Set by vmdevices scripts\/libvirt-up\.sh/ { next }
        /^[[:space:]]*(user|group|security_driver)[[:space:]]*=/ { next }
        /^[[:space:]]*cgroup_controllers[[:space:]]*=/ { if ($0 !~ /\]/) skip = 1; next }
        { print }
      ' "$QEMU_CONF"
    fi
    printf '# Set by vmdevices scripts/libvirt-up.sh (original, if any: %s)\n' "$QEMU_CONF_BACKUP"
    printf 'user = "root"\ngroup = "root"\nsecurity_driver = "none"\ncgroup_controllers = [ ]\n'
  } >"$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$QEMU_CONF"
  conf_changed=yes
  say "wrote $QEMU_CONF"
fi

# 4. Daemons. Keep only state entries whose process still runs, then start what is missing.
declare -a state=()
if [[ -f $STATE_FILE ]]; then
  while read -r name pid; do
    [[ -n ${name:-} ]] && is_ours "$name" "$pid" && state+=("$name $pid")
  done <"$STATE_FILE"
fi
write_state() {
  if ((${#state[@]} > 0)); then printf '%s\n' "${state[@]}" >"$STATE_FILE"; else rm -f "$STATE_FILE"; fi
}
write_state

# Started in the foreground mode, in the background with their own session, so that $! is exactly the
# daemon's PID (with -d it would be a parent that exits).
start_daemon() {
  local name=$1 log=$LOG_DIR/$1.log
  printf '\n=== %s started by vmdevices libvirt-up.sh at %s\n' "$name" "$(date -Is)" >>"$log"
  setsid "$name" </dev/null >>"$log" 2>&1 &
  local pid=$! i
  # Until the exec, /proc/$pid/comm still names the forked shell: wait for it to become $name.
  for ((i = 0; i < 50; i++)); do
    is_ours "$name" "$pid" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! is_ours "$name" "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    tail -n 20 "$log" >&2 || true
    die "$name did not start (pid $pid); see $log"
  fi
  state+=("$name $pid")
  write_state
  say "started $name (pid $pid, log $log)"
}

if [[ -n $(pids_of virtlogd) ]]; then
  say "virtlogd already running (pid $(pids_of virtlogd | tr '\n' ' ' | sed 's/ $//')), not started"
else
  start_daemon virtlogd
fi
if [[ -n $(pids_of libvirtd) ]]; then
  say "libvirtd already running (pid $(pids_of libvirtd | tr '\n' ' ' | sed 's/ $//')), not started"
  [[ $conf_changed == no ]] ||
    say "warning: libvirtd reads $QEMU_CONF only at start; restart it to apply the new settings"
elif libvirt_answers; then
  say "$URI already answers (socket activation?), libvirtd not started"
else
  start_daemon libvirtd
fi

# 5. Wait until the QEMU driver answers; fail early when a daemon we started died.
t=$(now)
deadline=$((SECONDS + WAIT_SECONDS))
until libvirt_answers; do
  for entry in "${state[@]}"; do
    read -r name pid <<<"$entry"
    if ! is_ours "$name" "$pid"; then
      tail -n 20 "$LOG_DIR/$name.log" >&2 || true
      die "$name (pid $pid) exited during start; see $LOG_DIR/$name.log"
    fi
  done
  if ((SECONDS >= deadline)); then
    tail -n 20 "$LOG_DIR/libvirtd.log" >&2 2>/dev/null || true
    die "virsh -c $URI version did not answer within $WAIT_SECONDS s; see $LOG_DIR/libvirtd.log (stop what was started: scripts/libvirt-down.sh)"
  fi
  sleep 0.5
done
say "$URI answers ($(since "$t") waiting, $(since "$t_all") in all): $(virsh -c "$URI" version | grep -i 'running hypervisor' | sed 's/^ *//')"
