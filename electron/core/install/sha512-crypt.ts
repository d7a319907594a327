// SHA-512 crypt ("$6$"), the algorithm of glibc's crypt(3) as specified by Ulrich Drepper
// ("Unix crypt using SHA-256 and SHA-512", https://www.akkadia.org/drepper/SHA-crypt.txt).
// Every installer (anaconda `--iscrypted`, d-i `*-password-crypted`, subiquity `identity.password`,
// AutoYaST `<encrypted>true`) accepts it, so Bootbench stores and hands out only these hashes.
// Pure: node:crypto's SHA-512 and its CSPRNG for salts, nothing else.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;
const SALT_MAX = 16;

/** The order in which the 64 digest bytes are spread over the 86 output characters (spec, step 22). */
const PERMUTATION: ReadonlyArray<readonly [number, number, number]> = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
];

const HASH_RE = /^\$6\$(?:rounds=([1-9][0-9]{0,8})\$)?([^$:\n]{0,16})\$([./0-9A-Za-z]{86})$/;

/** True for a well-formed `$6$[rounds=N$]salt$hash` string (it says nothing about which password). */
export function isSha512CryptHash(s: string): boolean {
  return HASH_RE.test(s);
}

interface Setting {
  salt: Buffer;
  rounds: number;
  /** glibc writes `rounds=N$` back only when the setting named it (even when N is the default). */
  explicitRounds: boolean;
}

/**
 * Parse a setting the way glibc does: an optional `$6$`, an optional `rounds=N$` (clamped to
 * 1,000…999,999,999), then the salt up to the next `$`, cut at 16 characters. A whole hash is a
 * valid setting too (its salt is reused), which is how verification works.
 */
function parseSetting(setting: string): Setting {
  let rest = setting.startsWith('$6$') ? setting.slice(3) : setting;
  let rounds = ROUNDS_DEFAULT;
  let explicitRounds = false;
  const m = /^rounds=([0-9]+)\$/.exec(rest);
  if (m) {
    rounds = Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(m[1])));
    explicitRounds = true;
    rest = rest.slice(m[0].length);
  }
  const end = rest.indexOf('$');
  const salt = (end < 0 ? rest : rest.slice(0, end)).slice(0, SALT_MAX);
  return { salt: Buffer.from(salt, 'utf8'), rounds, explicitRounds };
}

/** A fresh 16-character salt from the CSPRNG (96 bits of entropy, the most the format holds). */
export function randomSalt(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(SALT_MAX);
  let out = '';
  for (let i = 0; i < SALT_MAX; i += 1) out += ITOA64[(bytes[i] ?? 0) & 0x3f];
  return out;
}

const sha512 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `length` bytes of `block` repeated (spec steps 16 and 20: P and S sequences). */
function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

/**
 * The `$6$` hash of `password` (UTF-8). `salt` is a salt, a `rounds=N$salt` setting or a whole
 * `$6$…` hash; without one a random 16-character salt is used with the default 5,000 rounds.
 */
export function sha512Crypt(password: string, salt?: string): string {
  const setting = parseSetting(salt ?? randomSalt());
  const p = Buffer.from(password, 'utf8');
  const s = setting.salt;

  const b = sha512(p, s, p);
  const a = createHash('sha512').update(p).update(s);
  let n = p.length;
  for (; n > 64; n -= 64) a.update(b);
  a.update(b.subarray(0, n));
  for (n = p.length; n > 0; n >>= 1) a.update((n & 1) !== 0 ? b : p);
  let c = a.digest();

  const dp = createHash('sha512');
  for (let i = 0; i < p.length; i += 1) dp.update(p);
  const pSeq = repeatTo(dp.digest(), p.length);

  const ds = createHash('sha512');
  for (let i = 0; i < 16 + (c[0] ?? 0); i += 1) ds.update(s);
  const sSeq = repeatTo(ds.digest(), s.length);

  for (let i = 0; i < setting.rounds; i += 1) {
    const h = createHash('sha512');
    h.update((i & 1) !== 0 ? pSeq : c);
    if (i % 3 !== 0) h.update(sSeq);
    if (i % 7 !== 0) h.update(pSeq);
    h.update((i & 1) !== 0 ? c : pSeq);
    c = h.digest();
  }

  let encoded = '';
  const put = (b2: number, b1: number, b0: number, chars: number) => {
    let w = (b2 << 16) | (b1 << 8) | b0;
    for (let i = 0; i < chars; i += 1) {
      encoded += ITOA64[w & 0x3f];
      w >>= 6;
    }
  };
  for (const [i, j, k] of PERMUTATION) put(c[i] ?? 0, c[j] ?? 0, c[k] ?? 0, 4);
  put(0, 0, c[63] ?? 0, 2);

  const roundsPart = setting.explicitRounds ? `rounds=${setting.rounds}$` : '';
  return `$6$${roundsPart}${s.toString('utf8')}$${encoded}`;
}

/** Whether `password` matches `hash` (a `$6$` hash); constant-time in the comparison. */
export function verifySha512Crypt(password: string, hash: string): boolean {
  if (!isSha512CryptHash(hash)) return false;
  const again = Buffer.from(sha512Crypt(password, hash));
  const given = Buffer.from(hash);
  return again.length === given.length && timingSafeEqual(again, given);
}
