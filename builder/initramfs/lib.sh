# Functions of the Quantix initramfs, kept apart from /init so that tests can run them against a fake /sys.
# shellcheck shell=sh

# Sets slot, live, mode and debug from a kernel command line.
parse_cmdline() {
  slot= live= mode= debug=
  for arg in $1; do
    case $arg in
      quantix.slot=*) slot=${arg#*=} ;;
      quantix.live=*) live=${arg#*=} ;;
      quantix.mode=*) mode=${arg#*=} ;;
      quantix.debug=1) debug=1 ;;
    esac
  done
}

# Prints /dev/NAME of the partition whose GPT name is $1 (the kernel puts PARTNAME= in the uevent of GPT partitions).
partition_named() {
  for ev in "${SYSFS:-/sys}"/class/block/*/uevent; do
    [ -f "$ev" ] || continue
    if grep -qx "PARTNAME=$1" "$ev"; then
      echo "/dev/$(sed -n 's/^DEVNAME=//p' "$ev")"
      return 0
    fi
  done
  return 1
}
