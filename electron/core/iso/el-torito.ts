// El Torito (the "El Torito" Bootable CD-ROM Format Specification 1.0, 1995; UEFI 2.10 §13.3.2.1):
// which firmware an ISO boots on, for the whole-ISO boot. The boot record volume descriptor (type 0,
// system id "EL TORITO SPECIFICATION") points at the boot catalog; the catalog's validation entry
// names the default entry's platform, and section headers (0x90, the last 0x91) name the platform of
// the entries after them: 0x00 x86 PC BIOS, 0xEF UEFI. Pure: decodes Buffers.
const SECTOR = 2048; // ECMA-119's sector (descriptors.ts imports this module: no import back)

export type BootPlatform = 'bios' | 'uefi';

/** The boot catalog's sector from a boot record volume descriptor, or null when it is not El Torito's. */
export function bootCatalogSector(descriptor: Buffer): number | null {
  if (descriptor.length < SECTOR || descriptor[0] !== 0) return null;
  if (descriptor.toString('latin1', 7, 39).replace(/\0+$/, '') !== 'EL TORITO SPECIFICATION') return null;
  return descriptor.readUInt32LE(71);
}

const ENTRY = 32;
const BOOTABLE = 0x88;

function platformOf(id: number): BootPlatform | null {
  if (id === 0x00) return 'bios';
  if (id === 0xef) return 'uefi';
  return null;
}

/** The platforms with a bootable entry in a boot catalog sector (empty when it is not a valid catalog). */
export function bootPlatforms(catalog: Buffer): BootPlatform[] {
  if (catalog.length < 2 * ENTRY || catalog[0] !== 0x01 || catalog[30] !== 0x55 || catalog[31] !== 0xaa) return [];
  const found = new Set<BootPlatform>();
  const add = (id: number) => {
    const p = platformOf(id);
    if (p) found.add(p);
  };
  if (catalog[ENTRY] === BOOTABLE) add(catalog[1]!);
  for (let at = 2 * ENTRY; at + ENTRY <= catalog.length;) {
    const header = catalog[at];
    if (header !== 0x90 && header !== 0x91) break;
    const platform = catalog[at + 1]!;
    const count = catalog.readUInt16LE(at + 2);
    at += ENTRY;
    for (let n = 0; n < count && at + ENTRY <= catalog.length; n++) {
      if (catalog[at] === BOOTABLE) add(platform);
      at += ENTRY;
      while (at + ENTRY <= catalog.length && catalog[at] === 0x44) at += ENTRY; // extension entries
    }
    if (header === 0x91) break;
  }
  return [...found].sort();
}
