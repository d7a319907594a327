// The ISO check a browser can make before sending a byte: an ISO 9660 image has its first volume
// descriptor at sector 16 (byte 32768), whose standard identifier "CD001" starts at byte 32769.
// Reading 34 KiB with File.slice costs nothing, where uploading a wrong 4 GiB file costs minutes.

/** Bytes read from the start of the file: sector 16 and a little more. */
export const ISO_HEAD_BYTES = 34 * 1024;
const SIGNATURE_AT = 32769;
const SIGNATURE = 'CD001';

export type IsoHeadCheck = { ok: true } | { ok: false; detail: string };

/** Whether `head` (the file's first bytes) carries the ISO 9660 signature, and if not, why not in words. */
export function checkIsoHead(head: Uint8Array, name: string, size: number): IsoHeadCheck {
  if (size < SIGNATURE_AT + SIGNATURE.length)
    return {
      ok: false,
      detail: `${name} has ${size} bytes: an ISO image is at least 34 KiB, with "${SIGNATURE}" at byte ${SIGNATURE_AT}.`,
    };
  const found = String.fromCharCode(...head.subarray(SIGNATURE_AT, SIGNATURE_AT + SIGNATURE.length));
  if (found === SIGNATURE) return { ok: true };
  const shown = [...found].map((c) => (c >= ' ' && c <= '~' ? c : '·')).join('');
  return {
    ok: false,
    detail:
      `An ISO 9660 image has "${SIGNATURE}" at byte ${SIGNATURE_AT} (its first volume descriptor, sector 16); ` +
      `${name} has "${shown}" there. Nothing was uploaded.`,
  };
}

/** Reads the head of `file` and checks it. */
export async function checkIsoFile(file: Blob & { name: string }): Promise<IsoHeadCheck> {
  const head = new Uint8Array(await file.slice(0, ISO_HEAD_BYTES).arrayBuffer());
  return checkIsoHead(head, file.name, file.size);
}
