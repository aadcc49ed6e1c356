#!/usr/bin/env bash
# Manual proof that the test guest works under libvirt: it boots to its marker, powers off on an ACPI
# shutdown, and comes back after a reboot. Prints the timings. Usage: test-guest-smoke.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONNECT=qemu:///system
VIRT_TYPE=${QX_SMOKE_VIRT_TYPE:-qemu}
MARKER=QX-TEST-GUEST-READY
PREFIX=qx-smoke-$$
BOOT_TIMEOUT=60
SHUTDOWN_TIMEOUT=20

v() { virsh -q -c "$CONNECT" "$@"; }
now_us() { echo "${EPOCHREALTIME/./}"; }
seconds_since() { local us=$(($(now_us) - $1)); printf '%d.%02d' $((us / 1000000)) $((us % 1000000 / 10000)); }

domains=()
current_log=
tmp=$(mktemp -d)

cleanup() {
  local name
  for name in "${domains[@]}"; do
    v destroy "$name" >/dev/null 2>&1 || true
    v undefine "$name" >/dev/null 2>&1 || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "smoke: FAIL: $*" >&2
  if [[ -s $current_log ]]; then
    echo "--- console log ($current_log), last lines:" >&2
    tail -n 30 "$current_log" >&2
  fi
  exit 1
}

bash "$ROOT/scripts/host-setup.sh"
while IFS='=' read -r key value; do
  case $key in
    vmlinux) kernel=$value ;;
    initramfs) initrd=$value ;;
  esac
done < <(bash "$ROOT/scripts/build-test-guest.sh")
[[ -n ${kernel:-} && -n ${initrd:-} ]] || fail "build-test-guest.sh printed no paths"

domain_xml() { # $1 = name, $2 = console log file
  cat <<EOF
<domain type='$VIRT_TYPE'>
  <name>$1</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$kernel</kernel>
    <initrd>$initrd</initrd>
    <cmdline>console=ttyS0 quiet</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='pty'>
      <log file='$2' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

marker_count() { grep -c "$MARKER" "$current_log" 2>/dev/null || true; }

wait_for_marker() { # $1 = number of markers expected in the log
  local deadline=$((SECONDS + BOOT_TIMEOUT))
  until (($(marker_count) >= $1)); do
    ((SECONDS < deadline)) || fail "marker #$1 not seen within ${BOOT_TIMEOUT}s"
    sleep 0.05
  done
}

wait_until_gone() { # $1 = transient domain name
  local deadline=$((SECONDS + SHUTDOWN_TIMEOUT))
  while v domstate "$1" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "$1 still exists ${SHUTDOWN_TIMEOUT}s after ACPI shutdown"
    sleep 0.05
  done
}

# 1. Transient domain: boot marker, then ACPI shutdown makes the domain disappear.
name=$PREFIX-transient
current_log=$tmp/$name.log
domain_xml "$name" "$current_log" >"$tmp/$name.xml"
domains+=("$name")
t0=$(now_us)
v create "$tmp/$name.xml" >/dev/null || fail "virsh create $name"
create_s=$(seconds_since "$t0")
wait_for_marker 1
marker_s=$(seconds_since "$t0")
grep -m1 "$MARKER" "$current_log"
t1=$(now_us)
v shutdown --mode acpi "$name" >/dev/null || fail "virsh shutdown --mode acpi $name"
wait_until_gone "$name"
shutdown_s=$(seconds_since "$t1")
grep -q QX-TEST-GUEST-POWEROFF "$current_log" || echo "smoke: note: no QX-TEST-GUEST-POWEROFF line in the log"
echo "transient: create ${create_s}s, marker ${marker_s}s after create, gone ${shutdown_s}s after ACPI shutdown"

# 2. Persistent domain: virsh reboot brings the marker a second time.
name=$PREFIX-reboot
current_log=$tmp/$name.log
domain_xml "$name" "$current_log" >"$tmp/$name.xml"
domains+=("$name")
v define "$tmp/$name.xml" >/dev/null || fail "virsh define $name"
t0=$(now_us)
v start "$name" >/dev/null || fail "virsh start $name"
wait_for_marker 1
boot_s=$(seconds_since "$t0")
t1=$(now_us)
v reboot --mode acpi "$name" >/dev/null || fail "virsh reboot --mode acpi $name"
wait_for_marker 2
reboot_s=$(seconds_since "$t1")
grep "$MARKER" "$current_log"
[[ $(v domstate "$name") == running ]] || fail "$name is not running after the reboot"
v destroy "$name" >/dev/null
v undefine "$name" >/dev/null
echo "persistent: marker ${boot_s}s after start, marker again ${reboot_s}s after virsh reboot"
echo "smoke: OK"
