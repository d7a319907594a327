// "Boot this next" for a host, one shot (`POST /api/hosts/:mac/boot`, a live system or a whole
// ISO): the entry its next boot-script fetch (or, for a UEFI HTTP-boot client and a whole ISO, its
// next DHCP) gets. Kept in memory: a restart forgets it, as the host's wait loop would.
// Interim, small wiring for the live boots until the boot menu's own store lands (issue 13, menu):
// a served entry lingers GRACE_MS, because one boot fetches twice (the BIOS chain to undionly.kpxe
// asks for the script again; a UEFI HTTP-boot host reboots from iPXE into its firmware's HTTP boot).
export const GRACE_MS = 120_000;

export class NextBoots {
  private readonly pending = new Map<string, { entry: string; servedAt: number | null }>();

  set(mac: string, entry: string): void {
    this.pending.set(mac, { entry, servedAt: null });
  }

  peek(mac: string): string | null {
    return this.pending.get(mac)?.entry ?? null;
  }

  /** The entry for this fetch, or null; the first fetch starts its grace period. */
  take(mac: string, now = Date.now()): string | null {
    const p = this.pending.get(mac);
    if (!p) return null;
    if (p.servedAt !== null && now - p.servedAt > GRACE_MS) {
      this.pending.delete(mac);
      return null;
    }
    p.servedAt ??= now;
    return p.entry;
  }
}
