// Where boot content lives on the boot HTTP server: the one place that spells these paths, for the
// DHCP answers that point clients at them and the routes that serve them.

/** http://SERVER[:PORT], no trailing slash. */
export function httpBase(serverIp: string, httpPort: number): string {
  return httpPort === 80 ? `http://${serverIp}` : `http://${serverIp}:${httpPort}`;
}

/** The per-host iPXE script: /ipxe/<mac with dashes>.ipxe (a colon is not safe in every iPXE URL). */
export function ipxeScriptPath(mac: string): string {
  return `/ipxe/${mac.replace(/:/g, '-')}.ipxe`;
}

/** A menu choice at the machine: /ipxe/<mac with dashes>/choose/<entry id> (menu.ts: a safe word). */
export function ipxeChoosePath(mac: string, entry: string): string {
  return `/ipxe/${mac.replace(/:/g, '-')}/choose/${entry}`;
}

/** A first-stage loader over HTTP (UEFI HTTP boot): /boot/<file>. */
export function loaderPath(file: string): string {
  return `/boot/${file}`;
}

/**
 * A host's fetch of its boot script, from a log event: its iPXE script or GRUB config over HTTP, or
 * its GRUB config over TFTP (grub-routes.ts). The session counts these as the wait loop's polls.
 */
export function isScriptFetch(kind: string, data: Record<string, unknown> | undefined): boolean {
  if (kind === 'tftp.end') return typeof data?.file === 'string' && /^\/?grub\/(?:poll\/)?[0-9a-f:-]{17}\.cfg$/i.test(data.file);
  return kind === 'http.request' && typeof data?.path === 'string' && /^\/(?:ipxe|grub)\//.test(data.path) && data.status === 200;
}
