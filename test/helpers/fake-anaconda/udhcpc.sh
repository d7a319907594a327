#!/bin/sh
# udhcpc hook: configure the interface, remember the lease
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface" 2>/dev/null
    : > /etc/resolv.conf; for s in $dns; do echo "nameserver $s" >> /etc/resolv.conf; done
    { echo "ip=$ip"; echo "mask=$mask"; echo "serverid=$serverid"; echo "router=$router"; } > /tmp/dhcp.env ;;
esac
exit 0
