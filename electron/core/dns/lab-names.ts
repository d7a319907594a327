// The lab's names, as the DNS responder answers them: the laptop is "bootbench", each host with an
// address is its install's host name (or its MAC without colons). Nothing else resolves.

export interface LabNamesSource {
  serverIp: string;
  /** The hosts with their current addresses. */
  hosts(): Iterable<{ mac: string; ip: string | null }>;
  /** The MAC that holds an address. */
  macForIp(ip: string): string | null;
  /** A host's name: its install's host name when it has one. */
  nameOf(mac: string): string | null;
}

export function labNames(source: LabNamesSource): { lookup(name: string): string | null; reverse(ip: string): string | null } {
  const nameOf = (mac: string) => source.nameOf(mac) ?? mac.replace(/:/g, '');
  return {
    lookup: (name) => {
      const wanted = name.toLowerCase();
      if (wanted === 'bootbench') return source.serverIp;
      for (const h of source.hosts()) if (h.ip && nameOf(h.mac).toLowerCase() === wanted) return h.ip;
      return null;
    },
    reverse: (ip) => {
      if (ip === source.serverIp) return 'bootbench';
      const mac = source.macForIp(ip);
      return mac ? nameOf(mac) : null;
    },
  };
}
