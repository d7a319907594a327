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

/** A first-stage loader over HTTP (UEFI HTTP boot): /boot/<file>. */
export function loaderPath(file: string): string {
  return `/boot/${file}`;
}
