#!/usr/bin/env bash
# Build and cache a tiny test guest for integration tests: the Debian kernel as an ELF vmlinux (PVH direct boot)
# plus a busybox initramfs whose /init prints QX-TEST-GUEST-READY on the serial console and powers off on the
# ACPI power button (printing QX-TEST-GUEST-POWEROFF first).
# Usage: build-test-guest.sh [OUTDIR]   (default: var/cache/test-guest under the repository root)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF=$(readlink -f "${BASH_SOURCE[0]}")
OUTDIR=${1:-$ROOT/var/cache/test-guest}
BUSYBOX=/bin/busybox
APT_LISTS=/var/lib/apt/lists
# Modules for the ACPI power button, loaded in this order (dependencies are added automatically).
MODULES=(evdev button)

log() { echo "build-test-guest: $*" >&2; }
die() { log "error: $*"; exit 1; }

for cmd in apt-cache apt-get dpkg cpio xz gzip sha256sum flock; do
  command -v "$cmd" >/dev/null || die "missing command: $cmd (run scripts/host-setup.sh)"
done
[[ -x $BUSYBOX ]] || die "missing $BUSYBOX (install busybox-static, see scripts/host-setup.sh)"

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
STAMP=$OUTDIR/stamp

script_sum=$(sha256sum "$SELF" | cut -d' ' -f1)
lists_sum=$(find "$APT_LISTS" -maxdepth 1 -type f -name '*Packages*' -printf '%f %T@ %s\n' 2>/dev/null |
  LC_ALL=C sort | sha256sum | cut -d' ' -f1)

stamp_field() { sed -n "s/^$1=//p" "$STAMP" 2>/dev/null || true; }

have_outputs() { [[ -s $OUTDIR/vmlinux && -s $OUTDIR/initramfs.gz ]]; }

print_paths() {
  echo "vmlinux=$OUTDIR/vmlinux"
  echo "initramfs=$OUTDIR/initramfs.gz"
}

write_stamp() { # $1 = kernel package and version
  printf 'script=%s\nkernel=%s\nlists=%s\n' "$script_sum" "$1" "$lists_sum" >"$STAMP.tmp"
  mv -f "$STAMP.tmp" "$STAMP"
}

# Fast path: nothing changed since the last build (same script, same apt lists).
if have_outputs && [[ $(stamp_field script) == "$script_sum" && $(stamp_field lists) == "$lists_sum" ]]; then
  print_paths
  exit 0
fi

resolve_kernel() { # prints "PACKAGE VERSION" of the kernel linux-image-amd64 depends on
  local pkg ver
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
  [[ -n $pkg ]] || return 1
  ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | awk '$1 == "Version:" { print $2; exit }')
  [[ -n $ver ]] || return 1
  echo "$pkg $ver"
}

if ! kernel=$(resolve_kernel); then
  [[ $(id -u) == 0 ]] || die "apt-cache cannot resolve linux-image-amd64; run 'apt-get update' as root"
  log "apt lists missing or stale: apt-get update"
  apt-get update -q >/dev/null
  kernel=$(resolve_kernel) || die "apt-cache cannot resolve linux-image-amd64 after apt-get update"
fi
read -r kernel_pkg kernel_ver <<<"$kernel"

exec 9>"$OUTDIR/.lock"
flock 9

if have_outputs && [[ $(stamp_field script) == "$script_sum" && $(stamp_field kernel) == "$kernel" ]]; then
  [[ $(stamp_field lists) == "$lists_sum" ]] || write_stamp "$kernel"
  print_paths
  exit 0
fi

log "building from $kernel_pkg $kernel_ver"
work=$(mktemp -d "$OUTDIR/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

apt_opts=(-q)
[[ $(id -u) != 0 ]] || apt_opts+=(-o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" download "$kernel_pkg=$kernel_ver" >/dev/null
debs=(./*.deb)
[[ -f ${debs[0]} ]] || die "apt-get download $kernel_pkg=$kernel_ver produced no .deb"
dpkg -x "${debs[0]}" kernel
rm -f "${debs[@]}"

moddirs=(kernel/lib/modules/*)
[[ ${#moddirs[@]} == 1 && -d ${moddirs[0]} ]] || die "expected one module directory in $kernel_pkg, got: ${moddirs[*]}"
moddir=${moddirs[0]}
kver=${moddir##*/}
bzimage=kernel/boot/vmlinuz-$kver
[[ -f $bzimage ]] || die "$bzimage not found in $kernel_pkg"

# ELF vmlinux: the xz payload of the bzImage (find the xz magic FD 37 7A 58 5A 00, decompress one stream).
is_elf() { [[ $(head -c 4 "$1" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]; }
found=
for off in $(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$bzimage" | cut -d: -f1 || true); do
  if { tail -c "+$((off + 1))" "$bzimage" || true; } | xz -dc --single-stream >vmlinux 2>/dev/null && is_elf vmlinux; then
    found=1
    break
  fi
done
[[ -n $found ]] || die "no xz-compressed ELF kernel found in $bzimage"

# Kernel modules, with dependencies first.
"$BUSYBOX" depmod -b kernel "$kver"
declare -A seen=()
load_order=()
add_module() { # $1 = path relative to the module directory
  local deps=() dep
  [[ -z ${seen[$1]:-} ]] || return 0
  seen[$1]=1
  read -ra deps < <(awk -v m="$1:" '$1 == m { $1 = ""; print; exit }' "$moddir/modules.dep") || true
  for dep in "${deps[@]}"; do
    add_module "$dep"
  done
  load_order+=("$1")
}
for name in "${MODULES[@]}"; do
  if grep -Eq "(^|/)$name\.ko$" "$moddir/modules.builtin"; then
    log "module $name is built in"
    continue
  fi
  path=$(grep -Em1 "(^|/)$name\.ko:" "$moddir/modules.dep" | cut -d: -f1 || true)
  [[ -n $path ]] || die "module $name is neither built into $kver nor shipped as a module"
  add_module "$path"
done

rootfs=$work/initramfs
mkdir -p "$rootfs"/{bin,dev,etc,lib/modules,proc,sys,tmp}
cp "$BUSYBOX" "$rootfs/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
done
: >"$rootfs/etc/modules"
for path in "${load_order[@]}"; do
  cp "$moddir/$path" "$rootfs/lib/modules/"
  echo "${path##*/}" >>"$rootfs/etc/modules"
done
echo "$kernel_pkg $kernel_ver" >"$rootfs/etc/qx-test-guest"

cat >"$rootfs/init" <<'EOF'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

say() {
  echo "$*"
  case " $(cat /sys/class/tty/console/active 2>/dev/null) " in
    *" ttyS0 "*) ;;
    *) echo "$*" >/dev/ttyS0 2>/dev/null ;;
  esac
}

while read -r module; do
  insmod "/lib/modules/$module" || say "QX-TEST-GUEST-WARNING: insmod $module failed"
done </etc/modules

power_off() {
  say "QX-TEST-GUEST-POWEROFF"
  sync
  sleep 0.1
  poweroff -f
}

# Open every power button before announcing readiness, so an early press is not lost.
buttons=0
for dev in /sys/class/input/event*; do
  [ "$(cat "$dev/device/name" 2>/dev/null)" = "Power Button" ] || continue
  exec 3<"/dev/input/${dev##*/}"
  (dd bs=24 count=1 of=/dev/null 2>/dev/null <&3 && power_off) &
  exec 3<&-
  buttons=$((buttons + 1))
done
[ "$buttons" -gt 0 ] || say "QX-TEST-GUEST-WARNING: no ACPI power button found"

say "QX-TEST-GUEST-READY boot_id=$(cat /proc/sys/kernel/random/boot_id) uptime=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)"

while :; do
  sleep 3600
done
EOF
chmod 755 "$rootfs/init"

mkdir out
mv vmlinux out/vmlinux
(cd "$rootfs" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n >out/initramfs.gz

rm -f "$STAMP"
mv -f out/vmlinux "$OUTDIR/vmlinux"
mv -f out/initramfs.gz "$OUTDIR/initramfs.gz"
write_stamp "$kernel"
log "modules: ${load_order[*]:-none}"
print_paths
