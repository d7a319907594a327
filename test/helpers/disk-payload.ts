// What the fake installer writes to a VM's first disk: a tiny "installed system" that proves, when
// the firmware later boots from that disk, that it really got there.
//
//   LBA 0        MBR: 16-bit boot code (BIOS) + a partition table with one EFI System Partition
//   LBA 128      the marker line "BOOTBENCH-INSTALLED <mac> <time>" (written by /init, not here)
//   LBA 2048     a FAT12 ESP holding \EFI\BOOT\BOOTX64.EFI (UEFI removable-media path)
//
// Both boot programs print DISK_BOOTED_TEXT (BIOS: straight to COM1; UEFI: ConOut, which OVMF
// mirrors to the serial port) and then halt, so a test sees on the serial console that the
// firmware fell through from the network to the disk. Everything is hand-assembled bytes: no
// compiler, assembler or mkfs is needed on CI.

export const DISK_BOOTED_TEXT = 'BOOTBENCH-DISK-BOOTED';
export const MARKER_PREFIX = 'BOOTBENCH-INSTALLED';
/** Byte offset of the marker line on the disk (LBA 128, inside the gap before the first partition). */
export const MARKER_OFFSET = 128 * 512;
const ESP_START_LBA = 2048;
const ESP_SECTORS = 4096; // 2 MiB
/** Bytes of the payload: MBR, gap, ESP. The VM's disk must be at least this large. */
export const PAYLOAD_BYTES = (ESP_START_LBA + ESP_SECTORS) * 512;

/**
 * The BIOS boot sector's code. SeaBIOS loads sector 0 at 0000:7C00 and jumps there in real mode;
 * the code polls the 16550's line status register (0x3FD, bit 5 = transmit holding register
 * empty) and writes each byte of the message to COM1's data port (0x3F8). SeaBIOS has already
 * set the UART up for its own serial console, and QEMU's UART ignores the baud rate anyway.
 */
export function mbrCode(): Buffer {
  const msg = Buffer.from(`\r\n${DISK_BOOTED_TEXT}\r\n\0`, 'latin1');
  const code = Buffer.from([
    0xfa, //             00 cli                 (no interrupts: the final hlt stops for good)
    0x31,
    0xc0, //       01 xor  ax, ax
    0x8e,
    0xd8, //       03 mov  ds, ax
    0xbe,
    0x23,
    0x7c, // 05 mov  si, 0x7C23     (msg: 0x7C00 + 0x23)
    0xfc, //             08 cld
    0xac, //             09 next: lodsb          (al = [ds:si++])
    0x84,
    0xc0, //       0A test al, al
    0x74,
    0x12, //       0C jz   done (0x20)
    0x88,
    0xc4, //       0E mov  ah, al          (keep the byte: `in` overwrites al)
    0xba,
    0xfd,
    0x03, // 10 mov  dx, 0x3FD      (COM1 line status register)
    0xec, //             13 wait: in al, dx
    0xa8,
    0x20, //       14 test al, 0x20       (THR empty?)
    0x74,
    0xfb, //       16 jz   wait (0x13)
    0x88,
    0xe0, //       18 mov  al, ah
    0xba,
    0xf8,
    0x03, // 1A mov  dx, 0x3F8      (COM1 data)
    0xee, //             1D out  dx, al
    0xeb,
    0xe9, //       1E jmp  next (0x09)
    0xf4, //             20 done: hlt
    0xeb,
    0xfd, //       21 jmp  done
  ]);
  if (code.length !== 0x23) throw new Error('mbr code layout changed: fix the msg address');
  return Buffer.concat([code, msg]);
}

/** Sector 0: boot code, one partition entry (type 0xEF = EFI System Partition), signature. */
export function mbrSector(): Buffer {
  const s = Buffer.alloc(512);
  mbrCode().copy(s, 0);
  s.writeUInt32LE(0x42425442, 440); // disk signature "BTBB"
  const p = 446;
  s[p] = 0x00; // not active: UEFI ignores the flag; SeaBIOS runs the MBR code regardless
  s.set([0xfe, 0xff, 0xff], p + 1); // CHS start: "use LBA"
  s[p + 4] = 0xef;
  s.set([0xfe, 0xff, 0xff], p + 5);
  s.writeUInt32LE(ESP_START_LBA, p + 8);
  s.writeUInt32LE(ESP_SECTORS, p + 12);
  s[510] = 0x55;
  s[511] = 0xaa;
  return s;
}

/**
 * A minimal PE32+ EFI application (subsystem 10) of one .text section. Entry (MS x64 ABI):
 * rcx = ImageHandle, rdx = SystemTable. It calls SystemTable->ConOut->OutputString(ConOut, msg)
 * and then halts in a loop (hlt returns on each timer tick). The code is position independent
 * (RIP-relative lea), so no relocations are needed wherever the loader puts it.
 */
export function efiApp(): Buffer {
  const code = Buffer.from([
    0x48,
    0x83,
    0xec,
    0x28, //             00 sub  rsp, 0x28        (shadow space, 16-byte alignment)
    0x48,
    0x8b,
    0x4a,
    0x40, //             04 mov  rcx, [rdx+0x40]  (EFI_SYSTEM_TABLE.ConOut)
    0x48,
    0x8d,
    0x15,
    0x09,
    0x00,
    0x00,
    0x00, // 08 lea rdx, [rip+9] (msg at 0x18)
    0xff,
    0x51,
    0x08, //                   0F call [rcx+8]          (ConOut->OutputString)
    0xf4, //                               12 hang: hlt
    0xeb,
    0xfd, //                         13 jmp  hang
    0x90,
    0x90,
    0x90, //                   15 pad to 0x18
  ]);
  const msg = Buffer.from(`\r\n${DISK_BOOTED_TEXT}\r\n\0`, 'utf16le');
  const text = Buffer.alloc(0x200);
  Buffer.concat([code, msg]).copy(text);

  const h = Buffer.alloc(0x200);
  h.write('MZ', 0, 'latin1');
  h.writeUInt32LE(0x40, 0x3c); // e_lfanew
  h.write('PE\0\0', 0x40, 'latin1');
  const coff = 0x44;
  h.writeUInt16LE(0x8664, coff); // Machine: x86-64
  h.writeUInt16LE(1, coff + 2); // NumberOfSections
  h.writeUInt16LE(0xf0, coff + 16); // SizeOfOptionalHeader (PE32+, 16 data directories)
  h.writeUInt16LE(0x0022, coff + 18); // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE
  const o = 0x58;
  h.writeUInt16LE(0x20b, o); // PE32+
  h.writeUInt32LE(0x200, o + 4); // SizeOfCode
  h.writeUInt32LE(0x1000, o + 16); // AddressOfEntryPoint
  h.writeUInt32LE(0x1000, o + 20); // BaseOfCode
  h.writeBigUInt64LE(0x400000n, o + 24); // ImageBase
  h.writeUInt32LE(0x1000, o + 32); // SectionAlignment
  h.writeUInt32LE(0x200, o + 36); // FileAlignment
  h.writeUInt32LE(0x2000, o + 56); // SizeOfImage
  h.writeUInt32LE(0x200, o + 60); // SizeOfHeaders
  h.writeUInt16LE(10, o + 68); // Subsystem: EFI application
  h.writeUInt32LE(16, o + 108); // NumberOfRvaAndSizes (all zero: no relocations, no imports)
  const sec = o + 0xf0;
  h.write('.text', sec, 'latin1');
  h.writeUInt32LE(0x200, sec + 8); // VirtualSize
  h.writeUInt32LE(0x1000, sec + 12); // VirtualAddress
  h.writeUInt32LE(0x200, sec + 16); // SizeOfRawData
  h.writeUInt32LE(0x200, sec + 20); // PointerToRawData
  h.writeUInt32LE(0x60000020, sec + 36); // CODE | EXECUTE | READ
  return Buffer.concat([h, text]);
}

/** 8.3 directory entry. */
function dirEntry(name: string, ext: string, attr: number, cluster: number, size: number): Buffer {
  const e = Buffer.alloc(32, 0);
  e.write(name.padEnd(8, ' ') + ext.padEnd(3, ' '), 0, 'latin1');
  e[11] = attr;
  e.writeUInt16LE(0x0021, 16); // creation/modification date 1980-01-01
  e.writeUInt16LE(0x0021, 18);
  e.writeUInt16LE(0x0021, 24);
  e.writeUInt16LE(cluster, 26);
  e.writeUInt32LE(size, 28);
  return e;
}

/**
 * A FAT12 volume of ESP_SECTORS sectors with \EFI\BOOT\BOOTX64.EFI. FAT12 because with 4-sector
 * clusters it has ~1000 clusters, below the 4085 that the FAT specification (and EDK2's driver)
 * uses to tell FAT12 from FAT16; the type is decided by that count, not by the label.
 */
export function fat12Esp(bootx64: Buffer): Buffer {
  const bytesPerSector = 512;
  const secPerCluster = 4;
  const clusterBytes = secPerCluster * bytesPerSector;
  const reserved = 1;
  const fats = 2;
  const rootEntries = 512;
  const fatSectors = 3;
  const rootSectors = (rootEntries * 32) / bytesPerSector;
  const dataStart = reserved + fats * fatSectors + rootSectors;
  const img = Buffer.alloc(ESP_SECTORS * bytesPerSector);

  // Boot sector / BPB (FAT spec "BPB and BS" for FAT12/16)
  img.set([0xeb, 0x3c, 0x90], 0);
  img.write('BOOTBNCH', 3, 'latin1');
  img.writeUInt16LE(bytesPerSector, 11);
  img[13] = secPerCluster;
  img.writeUInt16LE(reserved, 14);
  img[16] = fats;
  img.writeUInt16LE(rootEntries, 17);
  img.writeUInt16LE(ESP_SECTORS, 19);
  img[21] = 0xf8;
  img.writeUInt16LE(fatSectors, 22);
  img.writeUInt16LE(32, 24); // sectors per track
  img.writeUInt16LE(64, 26); // heads
  img.writeUInt32LE(ESP_START_LBA, 28); // hidden sectors
  img[36] = 0x80;
  img[38] = 0x29;
  img.writeUInt32LE(0x20240101, 39);
  img.write('BOOTBENCH  FAT12   ', 43, 'latin1');
  img[510] = 0x55;
  img[511] = 0xaa;

  const fileClusters = Math.ceil(bootx64.length / clusterBytes);
  const fat: number[] = [0xff8, 0xfff, 0xfff, 0xfff]; // media, reserved, EFI dir (2), BOOT dir (3)
  for (let i = 0; i < fileClusters; i++) fat.push(i === fileClusters - 1 ? 0xfff : 5 + i);
  const fatBytes = Buffer.alloc(fatSectors * bytesPerSector);
  fat.forEach((v, n) => {
    const off = Math.floor((n * 3) / 2);
    if (n % 2 === 0) {
      fatBytes[off] = v & 0xff;
      fatBytes[off + 1] = (fatBytes[off + 1]! & 0xf0) | (v >> 8);
    } else {
      fatBytes[off] = (fatBytes[off]! & 0x0f) | ((v & 0x0f) << 4);
      fatBytes[off + 1] = v >> 4;
    }
  });
  for (let f = 0; f < fats; f++) fatBytes.copy(img, (reserved + f * fatSectors) * bytesPerSector);

  const cluster = (c: number) => (dataStart + (c - 2) * secPerCluster) * bytesPerSector;
  const root = (reserved + fats * fatSectors) * bytesPerSector;
  dirEntry('BOOTBENC', 'H', 0x08, 0, 0).copy(img, root); // volume label: the 11 name+ext bytes
  dirEntry('EFI', '', 0x10, 2, 0).copy(img, root + 32);
  dirEntry('.', '', 0x10, 2, 0).copy(img, cluster(2));
  dirEntry('..', '', 0x10, 0, 0).copy(img, cluster(2) + 32);
  dirEntry('BOOT', '', 0x10, 3, 0).copy(img, cluster(2) + 64);
  dirEntry('.', '', 0x10, 3, 0).copy(img, cluster(3));
  dirEntry('..', '', 0x10, 2, 0).copy(img, cluster(3) + 32);
  dirEntry('BOOTX64', 'EFI', 0x20, 4, bootx64.length).copy(img, cluster(3) + 64);
  bootx64.copy(img, cluster(4));
  return img;
}

/** The bytes the fake installer writes at offset 0 of the disk. */
export function diskPayload(): Buffer {
  const out = Buffer.alloc(PAYLOAD_BYTES);
  mbrSector().copy(out, 0);
  fat12Esp(efiApp()).copy(out, ESP_START_LBA * 512);
  return out;
}

/** Parses the marker line at MARKER_OFFSET (null when the disk holds none). */
export function parseMarker(sector: Buffer): { mac: string; time: string } | null {
  const m = new RegExp(`^${MARKER_PREFIX} ([0-9a-f:]{17}) (\\S+)\\n`).exec(sector.toString('latin1'));
  return m ? { mac: m[1]!, time: m[2]! } : null;
}
