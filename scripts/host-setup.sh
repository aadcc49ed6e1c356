#!/usr/bin/env bash
# Make this host able to run VMs through libvirt (packages, qemu.conf, daemons).
# Idempotent and silent when there is nothing to do. Usage: host-setup.sh [-v]
set -euo pipefail

PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

PACKAGES=(
  qemu-system-x86 qemu-utils qemu-block-extra
  libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu ovmf
  openssl busybox-static cpio xz-utils genisoimage tmux
  openssh-server openssh-client iproute2
  grub-common squashfs-tools
  gdisk dosfstools mtools e2fsprogs grub2-common grub-pc-bin grub-efi-amd64-bin udev
)
COMMANDS=(
  qemu-system-x86_64 qemu-img virsh libvirtd virtlogd
  openssl busybox cpio xz genisoimage tmux
)
QEMU_CONF=/etc/libvirt/qemu.conf
CONNECT=qemu:///system
WAIT_SECONDS=30

verbose=0
case "${1:-}" in
  "") ;;
  -v | --verbose) verbose=1 ;;
  *) echo "usage: $0 [-v]" >&2; exit 2 ;;
esac

say() { echo "host-setup: $*"; }
info() { if ((verbose)); then say "$@"; fi; }
die() { echo "host-setup: error: $*" >&2; exit 1; }

is_root() { [[ $(id -u) == 0 ]]; }
is_debian() { [[ -r /etc/debian_version ]] && command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; }
has_systemd() { [[ -d /run/systemd/system ]]; }

missing_packages() {
  { dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true; } |
    awk -v want="${PACKAGES[*]}" '$NF == "installed" { ok[$1] = 1 }
      END { n = split(want, w, " "); for (i = 1; i <= n; i++) if (!(w[i] in ok)) print w[i] }'
}

missing_commands() {
  local cmd
  for cmd in "${COMMANDS[@]}"; do
    command -v "$cmd" >/dev/null || echo "$cmd"
  done
}

ensure_packages() {
  local missing log
  if is_debian; then
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} == 0)); then
      info "packages: all installed"
      return
    fi
    is_root || die "missing packages; run as root: apt-get install --no-install-recommends ${missing[*]}"
    say "installing: ${missing[*]}"
    log=$(mktemp)
    if ! { apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      die "apt-get failed"
    fi
    rm -f "$log"
    mapfile -t missing < <(missing_packages)
    ((${#missing[@]} == 0)) || die "still missing after install: ${missing[*]}"
  else
    mapfile -t missing < <(missing_commands)
    if ((${#missing[@]} == 0)); then
      info "commands: all present"
      return
    fi
    die "missing commands: ${missing[*]}
install QEMU (x86_64 system emulator, qemu-img, block extras), libvirt (daemon, virsh, QEMU driver), OVMF,
openssl, a static busybox, cpio, xz, genisoimage and tmux; on Debian: apt-get install --no-install-recommends ${PACKAGES[*]}"
  fi
}

conf_changed=0
ensure_qemu_conf() {
  local key add=()
  [[ -f $QEMU_CONF ]] || die "$QEMU_CONF not found (is libvirt-daemon-driver-qemu installed?)"
  if [[ ! -r $QEMU_CONF ]] && ! is_root; then
    info "$QEMU_CONF: not readable, not checked"
    return
  fi
  for key in user group; do
    grep -Eq "^[[:space:]]*${key}[[:space:]]*=[[:space:]]*\"root\"" "$QEMU_CONF" || add+=("$key")
  done
  if ((${#add[@]} == 0)); then
    info "$QEMU_CONF: already runs qemu as root"
    return
  fi
  is_root || die "$QEMU_CONF needs: user = \"root\" and group = \"root\" (run this script as root)"
  for key in "${add[@]}"; do
    sed -i -E "s/^([[:space:]]*${key}[[:space:]]*=)/#\\1/" "$QEMU_CONF"
    printf '%s = "root"\n' "$key" >>"$QEMU_CONF"
  done
  say "configured $QEMU_CONF: ${add[*]} = root"
  conf_changed=1
}

alive() { # $1 = pid, $2 = process name; zombies do not count
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null || true)
  [[ $stat == "$1 ($2) "* && $stat != "$1 ($2) Z"* ]]
}

pid_of() {
  local name=$1 pid
  pid=$(cat "/run/$name.pid" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" "$name"; then
    echo "$pid"
  fi
}

stop_daemon() {
  local name=$1 pid i
  pid=$(pid_of "$name")
  [[ -n $pid ]] || return 0
  kill "$pid"
  for ((i = 0; i < 100; i++)); do
    alive "$pid" "$name" || return 0
    sleep 0.1
  done
  die "$name (pid $pid) did not stop"
}

start_daemon() {
  local name=$1 i
  [[ -z $(pid_of "$name") ]] || return 0
  "$name" -d
  for ((i = 0; i < 100; i++)); do
    [[ -z $(pid_of "$name") ]] || return 0
    sleep 0.1
  done
  die "$name -d did not start (no live /run/$name.pid)"
}

ensure_daemons() {
  local name
  if has_systemd; then
    if ((conf_changed)) && systemctl -q is-active libvirtd; then
      systemctl restart libvirtd
      say "restarted libvirtd"
    fi
    if ! systemctl -q is-active virtlogd || ! systemctl -q is-active libvirtd; then
      is_root || die "libvirtd/virtlogd are not running; run as root: systemctl start virtlogd libvirtd"
      systemctl start virtlogd libvirtd
      say "started virtlogd libvirtd (systemd)"
    fi
    return
  fi
  if ((conf_changed)) && [[ -n $(pid_of libvirtd) ]]; then
    stop_daemon libvirtd
    start_daemon libvirtd
    say "restarted libvirtd"
  fi
  for name in virtlogd libvirtd; do
    if [[ -z $(pid_of "$name") ]]; then
      is_root || die "$name is not running; run as root: $name -d"
      start_daemon "$name"
      say "started $name"
    else
      info "$name: running (pid $(pid_of "$name"))"
    fi
  done
}

wait_for_libvirt() {
  local deadline=$((SECONDS + WAIT_SECONDS)) out
  is_root || deadline=$SECONDS
  until out=$(timeout "$((deadline > SECONDS ? deadline - SECONDS : 5))" virsh -c "$CONNECT" version 2>&1); do
    ((SECONDS < deadline)) || die "libvirt at $CONNECT is not answering: $out"
    sleep 0.2
  done
  info "libvirt answers: $(grep -im1 'running hypervisor' <<<"$out" || echo ok)"
}

ensure_packages
ensure_qemu_conf
ensure_daemons
wait_for_libvirt
