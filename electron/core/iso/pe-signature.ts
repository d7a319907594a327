// Whether a UEFI executable (PE/COFF) carries an Authenticode signature, and who issued it. Pure
// functions over Buffers, no I/O; a malformed file is an answer ({ signed: false, reason }), never
// an exception.
//
// Where the signature lives (PE/COFF specification, "The Attribute Certificate Table"): data
// directory 4 of the optional header (IMAGE_DIRECTORY_ENTRY_SECURITY) holds a *file offset* (not an
// RVA) and a size; the table there is a run of WIN_CERTIFICATE entries, each { dwLength u32,
// wRevision u16, wCertificateType u16, bCertificate[] }, 8-byte aligned. UEFI firmware (and shim)
// verify a WIN_CERT_TYPE_PKCS_SIGNED_DATA entry: a PKCS#7 SignedData whose content is
// Authenticode's SpcIndirectDataContent. This says whether such a signature is there and names its
// issuer; it does not verify it (the firmware does, against its db; this is for the technician).

/** The certificate table's place in the file, as the optional header declares it. */
export interface CertificateTable {
  offset: number;
  size: number;
}

export type PeHeaders = { ok: true; table: CertificateTable | null } | { ok: false; reason: string };

export type PeSignature =
  | { signed: true; /** Issuer of the first signer ("Microsoft Corporation UEFI CA 2011"), when it could be read. */ issuer: string | null }
  | { signed: false; reason: string };

const WIN_CERT_REVISIONS = new Set([0x0100, 0x0200]);
const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;
const IMAGE_DIRECTORY_ENTRY_SECURITY = 4;
/** How many bytes of the file the headers need at most (e_lfanew is read from the first 64). */
export const PE_HEADER_BYTES = 4096;

// DER-encoded OIDs (ITU-T X.690): 1.2.840.113549.1.7.2 (pkcs7-signedData),
// 1.3.6.1.4.1.311.2.1.4 (SPC_INDIRECT_DATA_OBJID, Authenticode), 2.5.4.3 (commonName).
const OID_SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex');
const OID_SPC_INDIRECT_DATA = Buffer.from('060a2b060104018237020104', 'hex');
const OID_COMMON_NAME = Buffer.from('0603550403', 'hex');

/**
 * The certificate table from the first bytes of a PE file (PE_HEADER_BYTES are enough for any real
 * header); `table` is null when the image declares none (unsigned).
 */
export function peCertificateTable(head: Buffer): PeHeaders {
  if (head.length < 64 || head.toString('latin1', 0, 2) !== 'MZ') return { ok: false, reason: 'not a PE/COFF executable (no MZ header)' };
  const pe = head.readUInt32LE(0x3c);
  if (pe + 24 + 2 > head.length || head.toString('latin1', pe, pe + 4) !== 'PE\0\0')
    return { ok: false, reason: 'not a PE/COFF executable (no PE signature where the MZ header points)' };
  const optionalSize = head.readUInt16LE(pe + 20);
  const optional = pe + 24;
  const magic = head.readUInt16LE(optional);
  // PE32 (0x10b) and PE32+ (0x20b) differ in where the directory count and the directories start.
  const layout = magic === 0x20b ? { count: 108, dirs: 112 } : magic === 0x10b ? { count: 92, dirs: 96 } : null;
  if (layout === null) return { ok: false, reason: `unknown optional header magic 0x${magic.toString(16)}` };
  if (optionalSize < layout.dirs || optional + layout.dirs > head.length) return { ok: false, reason: 'truncated optional header' };
  const count = head.readUInt32LE(optional + layout.count);
  const entry = optional + layout.dirs + IMAGE_DIRECTORY_ENTRY_SECURITY * 8;
  if (count <= IMAGE_DIRECTORY_ENTRY_SECURITY || layout.dirs + (IMAGE_DIRECTORY_ENTRY_SECURITY + 1) * 8 > optionalSize)
    return { ok: true, table: null };
  if (entry + 8 > head.length) return { ok: false, reason: 'truncated data directories' };
  const offset = head.readUInt32LE(entry);
  const size = head.readUInt32LE(entry + 4);
  return { ok: true, table: offset === 0 || size === 0 ? null : { offset, size } };
}

/**
 * Whether the certificate table (its bytes, read from the declared offset) holds an Authenticode
 * PKCS#7 signature. `fileSize` is the whole file's, to refuse a table that runs past its end.
 */
export function certificateTableSignature(table: CertificateTable, bytes: Buffer, fileSize: number): PeSignature {
  if (table.offset + table.size > fileSize)
    return {
      signed: false,
      reason: `its certificate table (${table.size} bytes at ${table.offset}) runs past the end of the file (${fileSize} bytes): truncated`,
    };
  if (bytes.length < table.size) return { signed: false, reason: 'its certificate table could not be read whole' };
  for (let at = 0; at + 8 <= table.size;) {
    const length = bytes.readUInt32LE(at);
    const revision = bytes.readUInt16LE(at + 4);
    const type = bytes.readUInt16LE(at + 6);
    if (length < 8 || at + length > table.size)
      return { signed: false, reason: `a malformed WIN_CERTIFICATE (length ${length}) in its certificate table` };
    if (WIN_CERT_REVISIONS.has(revision) && type === WIN_CERT_TYPE_PKCS_SIGNED_DATA) {
      const pkcs7 = bytes.subarray(at + 8, at + length);
      if (pkcs7[0] === 0x30 && pkcs7.includes(OID_SIGNED_DATA) && pkcs7.includes(OID_SPC_INDIRECT_DATA))
        return { signed: true, issuer: signerIssuer(pkcs7) };
    }
    at += (length + 7) & ~7; // entries are quadword-aligned
  }
  return { signed: false, reason: 'its certificate table holds no Authenticode (PKCS#7) signature' };
}

/** The whole file at once: headers, then the table where they point. */
export function peSignature(file: Buffer): PeSignature {
  const headers = peCertificateTable(file.subarray(0, PE_HEADER_BYTES));
  if (!headers.ok) return { signed: false, reason: headers.reason };
  if (headers.table === null) return { signed: false, reason: 'it is not signed (no certificate table)' };
  const { offset, size } = headers.table;
  return certificateTableSignature(headers.table, file.subarray(offset, offset + size), file.length);
}

// --- the signer's issuer, for the words shown to people ------------------------------------------
// SignedData ::= SEQUENCE { version, digestAlgorithms SET, contentInfo, [0] certificates OPTIONAL,
// [1] crls OPTIONAL, signerInfos SET }; SignerInfo ::= SEQUENCE { version,
// issuerAndSerialNumber SEQUENCE { issuer Name, serial }, … } (RFC 2315 §9.1, §9.2).

interface Tlv {
  tag: number;
  start: number; // first content byte
  end: number; // one past the last
}

function tlv(buf: Buffer, at: number, limit: number): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i += 1) len = len * 256 + buf[start + i]!;
    start += n;
  }
  return start + len > limit ? null : { tag, start, end: start + len };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const t = tlv(buf, at, parent.end);
    if (t === null) return out;
    out.push(t);
    at = t.end;
  }
  return out;
}

function signerIssuer(pkcs7: Buffer): string | null {
  const contentInfo = tlv(pkcs7, 0, pkcs7.length);
  const explicit = contentInfo ? children(pkcs7, contentInfo)[1] : undefined; // [0] EXPLICIT
  const signedData = explicit ? children(pkcs7, explicit)[0] : undefined;
  const signerInfos = signedData ? children(pkcs7, signedData).at(-1) : undefined;
  const signer = signerInfos?.tag === 0x31 ? children(pkcs7, signerInfos)[0] : undefined;
  const issuerAndSerial = signer ? children(pkcs7, signer)[1] : undefined;
  const issuer = issuerAndSerial?.tag === 0x30 ? children(pkcs7, issuerAndSerial)[0] : undefined;
  if (!issuer) return null;
  const name = pkcs7.subarray(issuer.start, issuer.end);
  const cn = name.indexOf(OID_COMMON_NAME);
  if (cn < 0) return null;
  const value = tlv(name, cn + OID_COMMON_NAME.length, name.length);
  if (!value) return null;
  const bytes = Buffer.from(name.subarray(value.start, value.end));
  // BMPString (0x1e) is UTF-16 big-endian; the others that occur here read as UTF-8.
  return value.tag === 0x1e && bytes.length % 2 === 0 ? bytes.swap16().toString('utf16le') : bytes.toString('utf8');
}
