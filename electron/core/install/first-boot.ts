// First boot: what tells "installed" apart from "installed and actually boots". Every shipped
// answer file installs a one-shot systemd unit into the new system; at its first boot from its own
// disk the unit POSTs `event=first-boot` with the system's host name and kernel release to the
// install's report URL, then removes itself. Pure: the unit and its script as text, the one-line
// command that installs them (for every installer's post-install hook), and the reading of the
// report. The manager keeps the token and the time; http-routes.ts serves the report.

export const FIRST_BOOT_UNIT_NAME = 'bootbench-first-boot.service';
export const FIRST_BOOT_SCRIPT_PATH = '/usr/local/sbin/bootbench-first-boot';
const UNIT_PATH = `/etc/systemd/system/${FIRST_BOOT_UNIT_NAME}`;
const WANTS_LINK = `/etc/systemd/system/multi-user.target.wants/${FIRST_BOOT_UNIT_NAME}`;

/** How often the unit tries, and how long it waits between tries (the network may come up late). */
export const FIRST_BOOT_TRIES = 10;
export const FIRST_BOOT_PAUSE_S = 10;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The script the unit runs. POSIX sh; curl (every shipped template installs it), else wget. It
 * stops, and removes the unit, when Bootbench answered: 200 (confirmed), 409 (already confirmed: an
 * earlier answer was lost) or 404 (the install is gone, e.g. the host was reinstalled). Any other
 * outcome (no network yet, Bootbench down) is retried; after the last try it exits 1 and stays
 * enabled, so the next boot tries again.
 */
export function firstBootScript(reportUrl: string): string {
  return `#!/bin/sh
# Bootbench: report this system's first boot from its own disk, then remove this unit.
url=${quote(reportUrl)}
name=$(uname -n)
kernel=$(uname -r)
enc() { printf '%s' "$1" | sed 's/%/%25/g; s/+/%2B/g; s/&/%26/g; s/ /%20/g; s/=/%3D/g'; }
post() {
  if command -v curl >/dev/null 2>&1; then
    curl -sS -m 20 -o /dev/null -w '%{http_code}' -X POST --data-urlencode "hostname=$name" --data-urlencode "kernel=$kernel" "$url"
  elif wget -q -O /dev/null --post-data "hostname=$(enc "$name")&kernel=$(enc "$kernel")" "$url"; then
    echo 200
  else
    [ $? -eq 8 ] && echo refused || echo 000
  fi
}
i=0
while [ $i -lt ${FIRST_BOOT_TRIES} ]; do
  i=$((i + 1))
  code=$(post)
  case "$code" in
    200|404|409|refused)
      echo "bootbench first boot: answered $code"
      rm -f ${WANTS_LINK} ${UNIT_PATH}
      systemctl daemon-reload >/dev/null 2>&1 || :
      rm -f "$0"
      exit 0 ;;
  esac
  echo "bootbench first boot: try $i: $code; again in ${FIRST_BOOT_PAUSE_S} s"
  sleep ${FIRST_BOOT_PAUSE_S}
done
exit 1
`;
}

/** The unit: once, after the network is up, at every boot until its script removes it. */
export function firstBootUnit(): string {
  return `[Unit]
Description=Bootbench: report the first boot of this system
Wants=network-online.target
After=network-online.target
ConditionPathExists=${FIRST_BOOT_SCRIPT_PATH}

[Service]
Type=oneshot
ExecStart=${FIRST_BOOT_SCRIPT_PATH}
TimeoutStartSec=${FIRST_BOOT_TRIES * (FIRST_BOOT_PAUSE_S + 25)}

[Install]
WantedBy=multi-user.target
`;
}

/**
 * One shell line that installs the script and the unit and enables it, run inside the new system
 * (kickstart %post, d-i `in-target`, curtin `in-target`, an AutoYaST chrooted script). Enabled by
 * its symlink rather than `systemctl enable`, which needs care in a chroot; the texts travel as
 * base64 so that no quoting of any answer-file format can break them.
 */
export function firstBootSetup(reportUrl: string): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [
    `mkdir -p /usr/local/sbin /etc/systemd/system/multi-user.target.wants`,
    `echo ${b64(firstBootScript(reportUrl))} | base64 -d > ${FIRST_BOOT_SCRIPT_PATH}`,
    `chmod 755 ${FIRST_BOOT_SCRIPT_PATH}`,
    `echo ${b64(firstBootUnit())} | base64 -d > ${UNIT_PATH}`,
    `ln -sf ${UNIT_PATH} ${WANTS_LINK}`,
  ].join(' && ');
}

export interface FirstBootReport {
  hostname: string;
  kernel: string;
}

/** The host name and kernel of a first-boot report (form body or query), cut to what they can be. */
export function readFirstBootReport(fields: URLSearchParams): FirstBootReport {
  const clean = (v: string | null, allowed: RegExp, max: number) => (v ?? '').replace(allowed, '').slice(0, max);
  return {
    hostname: clean(fields.get('hostname'), /[^A-Za-z0-9.-]/g, 253) || 'unknown host',
    kernel: clean(fields.get('kernel'), /[^\x21-\x7e]/g, 128) || 'unknown',
  };
}

/** The host's timeline line for a confirmed first boot. */
export function firstBootLine(report: FirstBootReport, overdue: boolean): string {
  return `first boot confirmed: ${report.hostname}, kernel ${report.kernel}${overdue ? ' (later than expected)' : ''}`;
}

/** When a first boot is overdue, or null (none expected: not installed, or already confirmed). */
export function firstBootDue(installedAt: string | null, firstBoot: string | null | undefined, limitMs: number): number | null {
  if (!installedAt || firstBoot) return null;
  return Date.parse(installedAt) + limitMs;
}

export function overdueLine(limitMs: number): string {
  const m = Math.round(limitMs / 60_000);
  const after = m >= 1 ? `${m} min` : `${Math.round(limitMs / 1000)} s`;
  return `no first boot reported ${after} after installed: the installed system may not boot from its disk (check the boot order and its console); the install itself is not failed`;
}
