#!/bin/sh
# curl stand-in over busybox nc (Debian 12's busybox-static wget segfaults, exit 139):
#   curl [-fsSL] [-X METHOD] [-d|--data DATA]... [-H HEADER]... [-o FILE] URL
# http:// only, HTTP/1.0 (the server closes the connection: that is how nc knows the reply ended).
# Exit codes as curl's: 7 cannot connect, 22 HTTP status >= 400 with -f.
fail=0; method=""; data=""; hasdata=0; out=""; url=""; hdrs=""
while [ $# -gt 0 ]; do
  case "$1" in
    -X|--request) method="$2"; shift 2;;
    -d|--data|--data-raw|--data-binary|--data-ascii)
      case "$2" in @*) v="$(cat "${2#@}")";; *) v="$2";; esac
      if [ "$hasdata" = 1 ]; then data="$data&$v"; else data="$v"; fi; hasdata=1; shift 2;;
    -o|--output) out="$2"; shift 2;;
    -H|--header) hdrs="$hdrs$2
"; shift 2;;
    -m|--max-time|--connect-timeout|--retry|--retry-delay|-A|--user-agent) shift 2;;
    --fail) fail=1; shift;;
    --silent|--show-error|--location|--insecure|--retry-connrefused|--compressed|--globoff) shift;;
    --*) echo "curl (fake): unsupported option $1" >&2; exit 2;;
    -?*) f="${1#-}"; shift
         while [ -n "$f" ]; do c="${f%"${f#?}"}"; f="${f#?}"
           case "$c" in f) fail=1;; s|S|L|k|v|g) ;; *) echo "curl (fake): unsupported flag -$c" >&2; exit 2;; esac
         done;;
    *) url="$1"; shift;;
  esac
done
case "$url" in http://*) ;; *) echo "curl (fake): only http:// URLs: $url" >&2; exit 1;; esac
[ -n "$method" ] || { [ "$hasdata" = 1 ] && method=POST || method=GET; }
rest="${url#http://}"; hostport="${rest%%/*}"; path="/${rest#*/}"
[ "$rest" = "$hostport" ] && path=/
host="${hostport%:*}"; port="${hostport##*:}"; [ "$port" = "$hostport" ] && port=80
t="/tmp/curl.$$"
{
  printf '%s %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: curl/7.76.1\r\nAccept: */*\r\n' "$method" "$path" "$hostport"
  printf '%s' "$hdrs" | while IFS= read -r h; do [ -n "$h" ] && printf '%s\r\n' "$h"; done
  [ "$hasdata" = 1 ] && printf 'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %s\r\n' "${#data}"
  printf '\r\n'
  [ "$hasdata" = 1 ] && printf '%s' "$data"
} | nc -w 10 "$host" "$port" > "$t.resp" 2> "$t.err"
status="$(head -n 1 "$t.resp" | tr -d '\r' | cut -d ' ' -f 2)"
if [ -z "$status" ]; then
  echo "curl: (7) Failed to connect to $hostport: $(cat "$t.err")" >&2; rm -f "$t".*; exit 7
fi
CR="$(printf '\r')"
if [ -n "$out" ]; then sed "1,/^$CR*$/d" "$t.resp" > "$out"; else sed "1,/^$CR*$/d" "$t.resp"; fi
rm -f "$t".*
if [ "$fail" = 1 ] && [ "$status" -ge 400 ]; then
  echo "curl: (22) The requested URL returned error: $status" >&2; exit 22
fi
exit 0
