# Shared by the builder's scripts: logging with timings, loud failures, mounts that are always undone.
# shellcheck shell=bash
set -euo pipefail
export LC_ALL=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

BUILDER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BUILDER_DIR/.." && pwd)
CACHE_DIR=${QX_IMAGE_CACHE:-$REPO_DIR/var/cache/image}
: "${QX_BUILD_LOG:=}"
BUILDER_NAME=${BUILDER_NAME:-$(basename "$0")}

log() { printf '%s %s: %s\n' "$(date +%H:%M:%S)" "$BUILDER_NAME" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Run a named step; its output goes to the build log (and is shown when it fails). Prints the duration.
step() {
  local name=$1 started rc=0 out
  shift
  started=$(date +%s.%N)
  log "$name ..."
  out=$(mktemp)
  # In the background so that errexit stays on inside the step (bash ignores it in an `||` list).
  ("$@") >"$out" 2>&1 &
  wait $! || rc=$?
  if [[ -n $QX_BUILD_LOG ]]; then
    { echo "== $name: $*"; cat "$out"; } >>"$QX_BUILD_LOG"
  fi
  if ((rc != 0)); then
    tail -n 40 "$out" >&2
    rm -f "$out"
    die "$name failed (exit $rc)${QX_BUILD_LOG:+; full log: $QX_BUILD_LOG}"
  fi
  rm -f "$out"
  local secs
  secs=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  log "$name done in ${secs}s"
  if [[ -n ${QX_STEP_TIMES:-} ]]; then printf '%s\t%s\n' "$name" "$secs" >>"$QX_STEP_TIMES"; fi
}

# A missing or empty artifact is an error, never a success.
require_file() {
  local f
  for f in "$@"; do
    [[ -s $f ]] || die "expected artifact is missing or empty: $f"
  done
}

require_root() { [[ $(id -u) == 0 ]] || die "must run as root (debootstrap, chroot and mounts need it)"; }

require_commands() {
  local c missing=()
  for c in "$@"; do command -v "$c" >/dev/null || missing+=("$c"); done
  ((${#missing[@]} == 0)) || die "missing commands: ${missing[*]} (run builder/host-deps)"
}

# Mounts made inside a chroot; undone on exit, in reverse order, whatever happens.
CHROOT_MOUNTS=()
chroot_mount() { # $1 = root
  local r=$1
  mount -t proc proc "$r/proc" && CHROOT_MOUNTS+=("$r/proc")
  mount -t sysfs sysfs "$r/sys" && CHROOT_MOUNTS+=("$r/sys")
  mount --bind /dev "$r/dev" && CHROOT_MOUNTS+=("$r/dev")
  mount --bind /dev/pts "$r/dev/pts" && CHROOT_MOUNTS+=("$r/dev/pts")
}
chroot_umount() {
  local i
  for ((i = ${#CHROOT_MOUNTS[@]} - 1; i >= 0; i--)); do
    umount -l "${CHROOT_MOUNTS[$i]}" 2>/dev/null || true
  done
  CHROOT_MOUNTS=()
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# A key=value file such as profiles/*.conf, read without sourcing it.
conf_get() { # $1 = file, $2 = key
  sed -n "s/^$2=//p" "$1" | tail -n 1
}
