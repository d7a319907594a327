// The Authenticode check over real bytes: Debian's Microsoft-signed shim and its unsigned build
// (shim-signed, shim-unsigned), Debian's signed GRUB and installer kernel, then the same files cut
// short, bent and replaced by garbage. Nothing may throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { certificateTableSignature, peCertificateTable, peSignature, PE_HEADER_BYTES } from '../../../electron/core/iso/pe-signature.js';

const SIGNED_SHIM = '/usr/lib/shim/shimx64.efi.signed';
const UNSIGNED_SHIM = '/usr/lib/shim/shimx64.efi';
const SIGNED_GRUB = '/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed';
const SIGNED_KERNEL = '/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/linux';

function need(path: string): Buffer {
  if (!existsSync(path))
    throw new Error(`${path} is missing: apt-get install -y shim-signed grub-efi-amd64-signed debian-installer-12-netboot-amd64`);
  return readFileSync(path);
}

test("Debian's shim-signed shim: signed, issued by Microsoft's UEFI CA", () => {
  assert.deepEqual(peSignature(need(SIGNED_SHIM)), { signed: true, issuer: 'Microsoft Corporation UEFI CA 2011' });
});

test('the unsigned shim build (shimx64.efi): not signed, says there is no certificate table', () => {
  const sig = peSignature(need(UNSIGNED_SHIM));
  assert.equal(sig.signed, false);
  assert.match(!sig.signed ? sig.reason : '', /no certificate table/);
});

test('Debian-signed GRUB and installer kernel: signed by the Debian Secure Boot CA', () => {
  for (const path of [SIGNED_GRUB, SIGNED_KERNEL])
    assert.deepEqual(peSignature(need(path)), { signed: true, issuer: 'Debian Secure Boot CA' }, path);
});

test('headers alone locate the table; the table alone decides', () => {
  const shim = need(SIGNED_SHIM);
  const headers = peCertificateTable(shim.subarray(0, PE_HEADER_BYTES));
  assert.ok(headers.ok && headers.table);
  const { offset, size } = headers.table;
  assert.equal(offset + size, shim.length, 'the table ends the file, as the PE spec puts it');
  assert.equal(certificateTableSignature(headers.table, shim.subarray(offset), shim.length).signed, true);
});

test('a signed file cut short: its table runs past the end, so it is not signed', () => {
  const shim = need(SIGNED_SHIM);
  for (const keep of [shim.length - 1, shim.length - 9000, Math.floor(shim.length / 2), 5000]) {
    const sig = peSignature(shim.subarray(0, keep));
    assert.equal(sig.signed, false, `cut at ${keep}`);
    assert.match(!sig.signed ? sig.reason : '', /truncated|past the end/);
  }
});

test('cut inside the headers, or not a PE at all: not signed, with a reason', () => {
  const shim = need(SIGNED_SHIM);
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['MZ only', Buffer.from('MZ')],
    ['64 bytes of header', shim.subarray(0, 64)],
    ['header up to the PE signature', shim.subarray(0, shim.readUInt32LE(0x3c) + 8)],
    ['text', Buffer.from('#!/bin/sh\necho not an executable\n')],
    ['zeros', Buffer.alloc(8192)],
  ];
  for (const [name, bytes] of cases) {
    const sig = peSignature(bytes);
    assert.equal(sig.signed, false, name);
    assert.ok(!sig.signed && sig.reason.length > 10, name);
  }
});

test('a bent PE: e_lfanew out of range, unknown magic, a wrong certificate type, a bad WIN_CERTIFICATE length', () => {
  const shim = need(SIGNED_SHIM);
  const pe = shim.readUInt32LE(0x3c);
  const headers = peCertificateTable(shim.subarray(0, PE_HEADER_BYTES));
  assert.ok(headers.ok && headers.table);
  const table = headers.table.offset;

  const far = Buffer.from(shim);
  far.writeUInt32LE(0xfffffff0, 0x3c);
  assert.match(reasonOf(far), /no PE signature/);

  const magic = Buffer.from(shim);
  magic.writeUInt16LE(0x1234, pe + 24);
  assert.match(reasonOf(magic), /magic/);

  const type = Buffer.from(shim);
  for (let at = table; at < type.length;) {
    const length = type.readUInt32LE(at);
    type.writeUInt16LE(0x0001, at + 6); // WIN_CERT_TYPE_X509: not what UEFI verifies
    at += (length + 7) & ~7;
  }
  assert.match(reasonOf(type), /no Authenticode/);

  const length = Buffer.from(shim);
  length.writeUInt32LE(0xffffff, table);
  assert.match(reasonOf(length), /malformed WIN_CERTIFICATE/);

  const tiny = Buffer.from(shim);
  tiny.writeUInt32LE(3, table);
  assert.match(reasonOf(tiny), /malformed WIN_CERTIFICATE/);

  const pkcs = Buffer.from(shim);
  pkcs.fill(0x41, table + 8, table + 64); // the PKCS#7 blob is no longer DER SignedData
  const first = pkcs.readUInt32LE(table);
  const second = table + ((first + 7) & ~7);
  if (second + 8 < pkcs.length) pkcs.fill(0x41, second + 8, second + 64);
  assert.match(reasonOf(pkcs), /no Authenticode/);
});

test('a PE32 (32-bit) header is read at its own offsets', () => {
  // A minimal PE32 image: MZ, e_lfanew 0x40, PE\0\0, COFF header, optional header magic 0x10b with
  // 16 data directories; the security directory points at a table appended at the end.
  const pe = 0x40;
  const optional = pe + 24;
  const head = Buffer.alloc(optional + 224);
  head.write('MZ', 0, 'latin1');
  head.writeUInt32LE(pe, 0x3c);
  head.write('PE\0\0', pe, 'latin1');
  head.writeUInt16LE(224, pe + 20);
  head.writeUInt16LE(0x10b, optional);
  head.writeUInt32LE(16, optional + 92);
  const shim = need(SIGNED_SHIM);
  const real = peCertificateTable(shim.subarray(0, PE_HEADER_BYTES));
  assert.ok(real.ok && real.table);
  const table = shim.subarray(real.table.offset);
  head.writeUInt32LE(head.length, optional + 96 + 4 * 8);
  head.writeUInt32LE(table.length, optional + 96 + 4 * 8 + 4);
  assert.deepEqual(peSignature(Buffer.concat([head, table])), { signed: true, issuer: 'Microsoft Corporation UEFI CA 2011' });
  head.writeUInt32LE(4, optional + 92); // fewer directories than the security one: unsigned
  assert.match(reasonOf(Buffer.concat([head, table])), /no certificate table/);
});

test('random bytes, with and without an MZ header, never throw', () => {
  for (let i = 0; i < 300; i += 1) {
    const bytes = randomBytes(64 + (i % 7) * 700);
    if (i % 2 === 0) bytes.write('MZ', 0, 'latin1');
    if (i % 3 === 0) bytes.writeUInt32LE(0x80, 0x3c);
    if (i % 3 === 0 && bytes.length > 0x84) bytes.write('PE\0\0', 0x80, 'latin1');
    const sig = peSignature(bytes);
    assert.equal(typeof sig.signed, 'boolean');
  }
});

function reasonOf(bytes: Buffer): string {
  const sig = peSignature(bytes);
  assert.equal(sig.signed, false);
  return sig.signed ? '' : sig.reason;
}
