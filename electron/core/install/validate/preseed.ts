// Preseed syntax, exactly as `debconf-set-selections -c` (debconf-utils, a Perl script) checks it:
// physical lines lose "\n" and one trailing "\r"; a line ending in "\" is joined with the next
// (the backslash removed) unless it is the last line of the file; blank lines and lines whose first
// non-blank is "#" are skipped; the rest must match /^\s*(\S+)\s+(\S+)\s+(\S+)(?:\s(.*))?/ (owner,
// question, type, value), else "parse error" (exit 1); an unknown type is only a warning ("skipping
// line"). A `seen` flag line needs the question to exist: in a fresh database (the installer's)
// only an earlier line of the same file creates it, else "Cannot find a question" (exit 1).
// Errors report the number of the last physical line read, as Perl's $. does.
import type { ValidationProblem } from '../../../shared/contract.js';

// Perl's \s on a byte string: ASCII whitespace only (not JS's Unicode spaces).
const LINE_RE = /^[ \t\n\r\f\v]*([^ \t\n\r\f\v]+)[ \t\n\r\f\v]+([^ \t\n\r\f\v]+)[ \t\n\r\f\v]+([^ \t\n\r\f\v]+)(?:[ \t\n\r\f\v](.*))?/;
const KNOWN_TYPES = ['select', 'boolean', 'string', 'multiselect', 'note', 'password', 'text', 'title'];
const KNOWN_FLAGS = ['seen'];

export interface PreseedResult {
  ok: boolean;
  /** Errors (which make debconf-set-selections exit 1) and warnings (prefixed "warning:"). */
  problems: ValidationProblem[];
  /** The parsed selections, in order. */
  selections: { owner: string; question: string; type: string; value: string; line: number }[];
}

export function checkPreseed(text: string): PreseedResult {
  // Perl's <> splits after each "\n"; a final line without one is still a line.
  const physical = text.split('\n');
  if (physical[physical.length - 1] === '') physical.pop();
  const munge = (l: string) => l.replace(/\r$/, '');
  const problems: ValidationProblem[] = [];
  const selections: PreseedResult['selections'] = [];
  const questions = new Set<string>();
  let errors = 0;
  for (let i = 0; i < physical.length; i += 1) {
    let line = munge(physical[i] ?? '');
    while (/\\$/.test(line) && i + 1 < physical.length) {
      line = line.slice(0, -1);
      i += 1;
      line += munge(physical[i] ?? '');
    }
    const lineNo = i + 1;
    if (/^[ \t\n\r\f\v]*$/.test(line) || /^[ \t\n\r\f\v]*#/.test(line)) continue;
    const m = LINE_RE.exec(line);
    if (!m) {
      errors += 1;
      problems.push({ line: lineNo, message: `parse error: '${line}' (expected "owner question type value")` });
      continue;
    }
    const [, owner = '', question = '', type = '', value = ''] = m;
    if (!KNOWN_TYPES.includes(type) && !KNOWN_FLAGS.includes(type)) {
      problems.push({ line: lineNo, message: `warning: unknown type ${type}, the line is skipped (types: ${KNOWN_TYPES.join(', ')})` });
      continue;
    }
    if (KNOWN_FLAGS.includes(type)) {
      if (!questions.has(question)) {
        errors += 1;
        problems.push({
          line: lineNo,
          message: `cannot find a question for ${question}: set its value on an earlier line before its "${type}" flag`,
        });
      }
    } else questions.add(question);
    selections.push({ owner, question, type, value, line: lineNo });
  }
  return { ok: errors === 0, problems, selections };
}

/** The syntax check, then what Bootbench's installs need of a preseed. */
export function validatePreseed(text: string): { ok: boolean; problems: ValidationProblem[] } {
  const r = checkPreseed(text);
  const problems = [...r.problems];
  let ok = r.ok;
  for (const s of r.selections) {
    if (s.type === 'boolean' && s.value !== 'true' && s.value !== 'false') {
      problems.push({ line: s.line, message: `${s.question} is a boolean: its value must be true or false, not "${s.value}"` });
      ok = false;
    }
  }
  return { ok, problems };
}
