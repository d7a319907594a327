// CSV as spreadsheets write it (RFC 4180): fields separated by commas, a field in double quotes may
// hold commas, line breaks and doubled quotes (""), records end in CRLF or LF. Also accepted: a
// UTF-8 byte-order mark (Excel writes one), blank lines, and comment lines starting with `#`
// (outside quotes). Pure: text in, records with their line numbers out; never throws.

export interface CsvRecord {
  /** The line (1-based) the record starts on, as an editor shows it. */
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export function parseCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    // A comment or a blank line (whitespace only) is skipped whole.
    const lineEnd = nextLineEnd(src, i);
    const rawLine = src.slice(i, lineEnd);
    if (rawLine.trim() === '' || rawLine.trimStart().startsWith('#')) {
      i = skipLineBreak(src, lineEnd);
      line += 1;
      continue;
    }
    const fields: string[] = [];
    let field = '';
    let quoted = false; // inside a quoted field
    let wasQuoted = false; // the current field began with a quote
    let bad: string | null = null;
    for (;;) {
      if (i >= src.length) {
        if (quoted) bad ??= 'a quoted field is not closed (a " is missing)';
        fields.push(wasQuoted ? field : field.trim());
        break;
      }
      const ch = src[i]!;
      if (quoted) {
        if (ch === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i += 1;
          }
        } else {
          if (ch === '\n') line += 1;
          field += ch;
          i += 1;
        }
        continue;
      }
      if (ch === ',') {
        fields.push(wasQuoted ? field : field.trim());
        field = '';
        wasQuoted = false;
        i += 1;
      } else if (ch === '\r' || ch === '\n') {
        fields.push(wasQuoted ? field : field.trim());
        i = skipLineBreak(src, i);
        line += 1;
        break;
      } else if (ch === '"' && field.trim() === '' && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
        field = '';
        i += 1;
      } else {
        if (wasQuoted && ch.trim() !== '') bad ??= 'text after a closing quote (write a quote inside a quoted field as "")';
        else if (!wasQuoted && ch === '"') bad ??= 'a quote inside an unquoted field (quote the whole field and write the quote as "")';
        if (!wasQuoted) field += ch;
        i += 1;
      }
    }
    if (bad) problems.push({ line: start, message: bad });
    records.push({ line: start, fields });
  }
  return { records, problems };
}

function nextLineEnd(src: string, from: number): number {
  let j = from;
  while (j < src.length && src[j] !== '\n' && src[j] !== '\r') j += 1;
  return j;
}

function skipLineBreak(src: string, at: number): number {
  if (src[at] === '\r' && src[at + 1] === '\n') return at + 2;
  return at < src.length ? at + 1 : at;
}
