// A pure parser of syslog messages as installers send them. Never throws: a datagram from the wire
// is data, and a line that fits no format still reaches the host's timeline as raw text.
//
// Formats met in practice:
//   RFC 5424  `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG` (util-linux logger --rfc5424,
//             rsyslog RSYSLOG_SyslogProtocol23Format, systemd-journal-remote senders).
//   RFC 3164  `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG` (rsyslog's default forwarding template,
//             which Anaconda uses for `inst.syslog=`; logger --rfc3164).
//   glibc syslog(3) as forwarded verbatim by busybox syslogd -R (the Debian installer's
//             `log_host=`): `<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG\n`: a timestamp but NO hostname.
//   rsyslog RSYSLOG_ForwardFormat: an RFC 3339 timestamp in the 3164 layout.
//   Bare `<PRI>TAG: MSG` and text without any PRI (RFC 3164 §4.3.3: treat as PRI 13).

export const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

export type Facility = (typeof FACILITIES)[number];
export type Severity = (typeof SEVERITIES)[number];

export interface StructuredElement {
  id: string;
  params: Record<string, string>;
}

export interface SyslogRecord {
  facility: Facility;
  severity: Severity;
  /** ISO 8601; null when the message carries none (or an unreadable one). */
  time: string | null;
  hostname: string | null;
  app: string | null;
  procid: string | null;
  msgid: string | null;
  structuredData: StructuredElement[];
  message: string;
  format: 'rfc5424' | 'rfc3164' | 'unknown';
  /** No PRI, or a 5424 header that does not parse: the text is kept as the message. */
  malformed: boolean;
  /** The input was longer than MAX_SYSLOG_BYTES and was cut. */
  truncated: boolean;
}

/** RFC 5424 §6.1 asks receivers to take 2048 octets and allows more; installers' lines fit in 8 KiB. */
export const MAX_SYSLOG_BYTES = 8192;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const BSD_TIME = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?: (\d{4}))?(?= |$)/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)/;
const TAG = /^([^\s:[\]]{1,48})(?:\[([^\]\s]{1,32})\])?:(?: |$)/;

export interface ParseOptions {
  /** "Now", to give RFC 3164 timestamps (which have no year) their year. */
  now?: Date;
}

export function parseSyslog(input: Buffer | string, options: ParseOptions = {}): SyslogRecord {
  let bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const truncated = bytes.length > MAX_SYSLOG_BYTES;
  if (truncated) bytes = bytes.subarray(0, MAX_SYSLOG_BYTES);
  // Senders end lines with LF (busybox), NUL (Python's SysLogHandler) or CRLF: none is content.
  const text = bytes.toString('utf8').replace(/[\r\n\0]+$/, '');
  const pri = /^<(\d{1,3})>/.exec(text);
  const value = pri ? Number(pri[1]) : NaN;
  if (!pri || value > 191) {
    // RFC 3164 §4.3.3: a message without a valid PRI gets PRI 13 (user.notice); keep all of it.
    return { ...empty(13, text, truncated), malformed: true };
  }
  const rest = text.slice(pri[0].length);
  // "1 " opens an RFC 5424 header; a 3164 line may start with a digit too ("<13>1 disk found"),
  // so a header that does not parse falls back to the 3164 reading.
  const modern = /^[1-9]\d{0,2} /.test(rest) ? parse5424(value, rest, truncated) : null;
  return modern ?? parse3164(value, rest, truncated, options.now ?? new Date());
}

function empty(pri: number, message: string, truncated: boolean): SyslogRecord {
  return {
    facility: FACILITIES[pri >> 3] ?? 'user',
    severity: SEVERITIES[pri & 7] ?? 'notice',
    time: null,
    hostname: null,
    app: null,
    procid: null,
    msgid: null,
    structuredData: [],
    message,
    format: 'unknown',
    malformed: false,
    truncated,
  };
}

/** RFC 5424 §6: every header field is one token, `-` for nil. */
function parse5424(pri: number, rest: string, truncated: boolean): SyslogRecord | null {
  const fields = /^(\d{1,3}) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(`${rest} `);
  if (!fields) return null;
  const [, , stamp, host, app, procid, msgid] = fields as unknown as string[];
  const afterHeader = rest.slice(fields[0].length);
  const sd = parseStructuredData(afterHeader);
  if (!sd) return null;
  let message = afterHeader.slice(sd.length).replace(/^ /, '');
  if (message.startsWith('\uFEFF')) message = message.slice(1); // §6.4: the BOM marks UTF-8, it is no content
  const nil = (v: string | undefined) => (v === undefined || v === '-' ? null : v);
  return {
    ...empty(pri, message, truncated),
    format: 'rfc5424',
    time: stamp === '-' ? null : isoOf(stamp ?? ''),
    hostname: nil(host),
    app: nil(app),
    procid: nil(procid),
    msgid: nil(msgid),
    structuredData: sd.elements,
  };
}

/** `-`, or SD-ELEMENTs `[id k="v" …]` with `\"`, `\\` and `\]` escaped in values (§6.3.3). */
function parseStructuredData(s: string): { elements: StructuredElement[]; length: number } | null {
  if (s.startsWith('-')) return { elements: [], length: 1 };
  const elements: StructuredElement[] = [];
  let i = 0;
  while (s[i] === '[' && elements.length < 64) {
    const id = /^[^\s=\]"]{1,32}/.exec(s.slice(i + 1));
    if (!id) return null;
    const element: StructuredElement = { id: id[0], params: {} };
    i += 1 + id[0].length;
    for (;;) {
      if (s[i] === ']') break;
      const name = /^ ([^\s=\]"]{1,32})="/.exec(s.slice(i, i + 40));
      if (!name) return null;
      i += name[0].length;
      let value = '';
      for (; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\' || s[i + 1] === ']')) i++;
        value += s[i];
      }
      if (i >= s.length) return null;
      element.params[name[1]!] = value;
      i += 1; // closing quote
    }
    elements.push(element);
    i += 1; // closing bracket
  }
  return elements.length ? { elements, length: i } : null;
}

function parse3164(pri: number, rest: string, truncated: boolean, now: Date): SyslogRecord {
  const record: SyslogRecord = { ...empty(pri, rest, truncated), format: 'rfc3164' };
  let s = rest;
  const bsd = BSD_TIME.exec(s);
  const iso = bsd ? null : RFC3339.exec(s);
  if (bsd) {
    record.time = bsdTime(bsd, now);
    s = s.slice(bsd[0].length).replace(/^ /, '');
  } else if (iso) {
    record.time = isoOf(iso[0]);
    s = s.slice(iso[0].length).replace(/^ /, '');
  }
  // After a timestamp comes HOSTNAME, unless the next word is already a TAG: glibc's syslog(3)
  // writes no hostname, and busybox syslogd -R forwards those lines unchanged.
  if (bsd || iso) {
    const host = /^(\S{1,255}) /.exec(s);
    if (host && !TAG.test(s)) {
      record.hostname = host[1]!;
      s = s.slice(host[0].length);
    }
  }
  const tag = TAG.exec(s);
  if (tag) {
    record.app = tag[1]!;
    record.procid = tag[2] ?? null;
    s = s.slice(tag[0].length);
  }
  record.message = s;
  return record;
}

/**
 * RFC 3164 timestamps have neither year nor zone. The year is the one that puts the stamp nearest
 * to now (a December line read in January belongs to last year); the zone is taken as UTC, which is
 * what installers run in before the target's time zone is set.
 */
function bsdTime(m: RegExpExecArray, now: Date): string | null {
  const month = MONTHS.indexOf(m[1]!);
  const [day, h, min, sec] = [m[2], m[3], m[4], m[5]].map((x) => Number(x!.trim()));
  if (day! < 1 || day! > 31 || h! > 23 || min! > 59 || sec! > 60) return null;
  const at = (year: number) => Date.UTC(year, month, day!, h!, min!, Math.min(sec!, 59));
  let year = m[6] ? Number(m[6]) : now.getUTCFullYear();
  if (!m[6]) {
    const best = [year - 1, year, year + 1].reduce((a, b) => (Math.abs(at(b) - now.getTime()) < Math.abs(at(a) - now.getTime()) ? b : a));
    year = best;
  }
  const t = new Date(at(year));
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

function isoOf(stamp: string): string | null {
  if (!RFC3339.test(stamp)) return null;
  // Date keeps milliseconds only; RFC 5424 allows microseconds (logger sends them): cut, not round.
  const t = new Date(stamp.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}
