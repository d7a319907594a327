// Vendor names for the first three bytes of a MAC (IEEE OUI): a small built-in table of what shows
// up in labs (hypervisors and the usual server/desktop makers), not the whole 40,000-entry registry.
const OUI: Readonly<Record<string, string>> = {
  '52:54:00': 'QEMU/KVM',
  '08:00:27': 'VirtualBox',
  '0a:00:27': 'VirtualBox',
  '00:0c:29': 'VMware',
  '00:50:56': 'VMware',
  '00:05:69': 'VMware',
  '00:1c:14': 'VMware',
  '00:15:5d': 'Hyper-V',
  '00:16:3e': 'Xen',
  '02:42:ac': 'Docker',
  'bc:24:11': 'Proxmox',
  '00:14:22': 'Dell',
  '00:1e:c9': 'Dell',
  '14:18:77': 'Dell',
  '18:66:da': 'Dell',
  'b8:ca:3a': 'Dell',
  'd4:ae:52': 'Dell',
  'f0:1f:af': 'Dell',
  'f8:bc:12': 'Dell',
  '00:17:a4': 'HP',
  '00:25:b3': 'HP',
  '3c:d9:2b': 'HP',
  '94:57:a5': 'HP',
  'a0:d3:c1': 'HP',
  '9c:8e:99': 'HP',
  '00:21:cc': 'Lenovo',
  '54:ee:75': 'Lenovo',
  '6c:4b:90': 'Lenovo',
  '8c:16:45': 'Lenovo',
  'e8:6a:64': 'Lenovo',
  '00:1b:21': 'Intel',
  '00:1e:67': 'Intel',
  '3c:fd:fe': 'Intel',
  'a0:36:9f': 'Intel',
  'b4:96:91': 'Intel',
  '00:25:90': 'Supermicro',
  '0c:c4:7a': 'Supermicro',
  'ac:1f:6b': 'Supermicro',
  '3c:ec:ef': 'Supermicro',
  '00:e0:4c': 'Realtek',
  '00:10:18': 'Broadcom',
  '00:0a:f7': 'Broadcom',
  '00:02:c9': 'Mellanox',
  '98:03:9b': 'Mellanox',
  'dc:a6:32': 'Raspberry Pi',
  'e4:5f:01': 'Raspberry Pi',
  'b8:27:eb': 'Raspberry Pi',
  '00:1c:42': 'Parallels',
};

/** The vendor of a MAC, or null; a locally administered address (bit 1 of the first byte) says so. */
export function vendorOf(mac: string): string | null {
  const prefix = mac.toLowerCase().slice(0, 8);
  const known = OUI[prefix];
  if (known) return known;
  const first = Number.parseInt(prefix.slice(0, 2), 16);
  return Number.isNaN(first) ? null : (first & 0x02) !== 0 ? 'locally administered' : null;
}
