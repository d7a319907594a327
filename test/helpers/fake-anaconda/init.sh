#!/bin/sh
# Fake Anaconda: /init of the Bootbench test installer's initramfs (busybox-static userland).
# Does, in order, what Anaconda visibly does on the wire: DHCP on the boot NIC, installer log lines
# to inst.syslog, GET inst.repo/.treeinfo, GET inst.ks, run %pre, "install" (write a bootable
# payload and a marker to the first disk, see test/helpers/disk-payload.ts), run %post (which
# reports `installed` with curl), then reboot (or power off when the kickstart says so).
# Every step prints a `BBTEST ...` line on the console so a failing test shows where it stopped;
# an error prints `BBTEST error: ...` and powers the VM off.
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /var/log
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo
echo "BBTEST init kernel=$(uname -r)"
CMDLINE="$(cat /proc/cmdline)"
echo "BBTEST cmdline: $CMDLINE"
# value of NAME=VALUE on the kernel command line (surrounding double quotes removed)
arg() { for a in $CMDLINE; do case "$a" in "$1"=*) v="${a#*=}"; v="${v#\"}"; echo "${v%\"}"; return;; esac; done; }
SYSLOG_ON=0
say() { echo "BBTEST $*"; [ "$SYSLOG_ON" = 1 ] && logger -t anaconda -p user.info -- "$*"; return 0; }
die() {
  echo "BBTEST error: $*"
  [ "$SYSLOG_ON" = 1 ] && logger -t anaconda -p user.err -- "error: $*"
  sleep 1; sync; echo "BBTEST poweroff after error"; poweroff -f; sleep 30
}

for m in $(cat /lib/modules/load-order); do insmod "/lib/modules/$m" 2>/dev/null; done

# The boot NIC: BOOTIF=01-aa-bb-… (as pxelinux and iPXE scripts pass it) or the first one found.
WANT=""; BOOTIF="$(arg BOOTIF)"
[ -n "$BOOTIF" ] && WANT="$(echo "${BOOTIF#01-}" | tr '-' ':' | tr 'A-F' 'a-f')"
IF=""
for i in $(seq 1 100); do
  for d in /sys/class/net/*; do
    n="${d##*/}"; [ "$n" = lo ] && continue
    if [ -z "$WANT" ] || [ "$(cat "$d/address")" = "$WANT" ]; then IF="$n"; break; fi
  done
  [ -n "$IF" ] && break; sleep 0.1
done
[ -n "$IF" ] || die "no network interface (BOOTIF=$BOOTIF)"
MAC="$(cat /sys/class/net/$IF/address)"
ip link set lo up; ip link set "$IF" up
if udhcpc -i "$IF" -n -q -t 10 -T 2 -V "anaconda-Linux $(uname -r) x86_64" \
     -s /usr/share/udhcpc/default.script >/tmp/udhcpc.log 2>&1; then
  . /tmp/dhcp.env
  echo "BBTEST dhcp ok if=$IF mac=$MAC ip=$ip server=$serverid"
else
  cat /tmp/udhcpc.log; die "no DHCP lease on $IF ($MAC)"
fi

# inst.syslog=HOST[:PORT]: busybox syslogd forwards what logger writes to /dev/log over UDP.
SL="$(arg inst.syslog)"
if [ -n "$SL" ]; then
  case "$SL" in *:*) ;; *) SL="$SL:514";; esac
  syslogd -R "$SL"
  for i in $(seq 1 30); do [ -S /dev/log ] && break; sleep 0.1; done
  [ -S /dev/log ] && SYSLOG_ON=1
  say "syslog forwarding to $SL"
fi
say "anaconda (fake) starting on $IF mac=$MAC ip=$ip"

REPO="$(arg inst.repo)"
case "$REPO" in
  http://*) curl -fsS -o /tmp/treeinfo "$REPO/.treeinfo" || die "installation source unreachable: $REPO/.treeinfo"
            say "repo ok: $REPO ($(grep -m1 '^name' /tmp/treeinfo))";;
  "") say "no inst.repo given";;
  *) say "repo $REPO (not http: not checked)";;
esac

KS="$(arg inst.ks)"; [ -n "$KS" ] || KS="$(arg ks)"
[ -n "$KS" ] || die "no inst.ks= on the kernel command line"
say "fetching kickstart $KS"
curl -fsS -o /tmp/ks.cfg "$KS" || die "kickstart fetch failed: $KS"
say "ks fetched ($(wc -c < /tmp/ks.cfg) bytes)"

# the body of every %NAME section (%pre, %post), options after the name ignored
section() { awk -v want="%$1" '$1 == want { on = 1; next } /^%end/ { on = 0; next } on { print }' /tmp/ks.cfg; }
runsection() {
  section "$1" > "/tmp/$1.sh"
  [ -s "/tmp/$1.sh" ] || { say "no %$1 section"; return 0; }
  say "running %$1"
  sh "/tmp/$1.sh" > "/tmp/$1.log" 2>&1; rc=$?
  sed "s/^/BBTEST $1: /" "/tmp/$1.log"
  say "%$1 exited $rc"
}
runsection pre

DISK=""
for i in $(seq 1 50); do
  for d in vda sda nvme0n1 hda; do [ -b "/dev/$d" ] && { DISK="/dev/$d"; break; }; done
  [ -n "$DISK" ] && break; sleep 0.1
done
[ -n "$DISK" ] || die "no disk found (looked for vda, sda, nvme0n1, hda)"
say "installing to $DISK"
dd if=/disk-payload.img of="$DISK" bs=65536 conv=fsync 2>/tmp/dd.err || { cat /tmp/dd.err; die "writing $DISK failed"; }
printf 'BOOTBENCH-INSTALLED %s %s\n' "$MAC" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  | dd of="$DISK" bs=512 seek=128 conv=sync,fsync 2>/dev/null
[ "$(dd if="$DISK" bs=512 skip=128 count=1 2>/dev/null | head -c 19)" = BOOTBENCH-INSTALLED ] \
  || die "marker not readable back from $DISK"
sync
say "marker written to $DISK"

runsection post
say "post done"

if grep -qE '^(poweroff|shutdown|halt)([[:space:]]|$)' /tmp/ks.cfg; then
  say "installation complete, powering off"; sleep 1; sync; poweroff -f
else
  say "installation complete, rebooting"; sleep 1; sync; echo "BBTEST reboot"; reboot -f
fi
sleep 30
