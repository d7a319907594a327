// Before Bootbench's answer-file templates were Liquid they were written in a Jinja-like dialect of
// its own. Some of its constructs are errors in Liquid; others would parse and render something
// else: a {# #} comment printed as text, `a ~ b` printed as `a`, an empty text or list that was
// false and is true in Liquid. A template is checked for them before it is compiled, so a template
// saved in the old syntax is refused with the line of its first old construct, never rendered
// wrongly. Pure: the template text in, the first finding (or null) out.

export interface OldSyntax {
  line: number;
  /** The construct as written (shortened). */
  construct: string;
  /** What it meant, and what to write in Liquid instead. */
  fix: string;
}

const DOCS = 'docs/design/answer-files.md';

/** Old filter names and what Liquid calls them (null: no such filter, do it another way). */
const OLD_FILTERS: Readonly<Record<string, string | null>> = {
  upper: 'upcase',
  lower: 'downcase',
  trim: 'strip',
  xml: 'xml_escape',
  urlencode: 'percent_encode',
  b64encode: 'base64_encode',
  tojson: 'json',
  length: 'size',
  string: null,
  items: null,
  lines: null,
  indent: null,
};

const shorten = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s).replace(/\s*\n\s*/g, ' ');

/** The index after the closing `close` of a tag opened at `from`, skipping quoted strings; -1 if none. */
function tagEnd(src: string, from: number, close: string): number {
  let quote = '';
  for (let i = from; i < src.length - 1; i += 1) {
    const c = src[i] as string;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === close[0] && src[i + 1] === close[1]) return i + 2;
  }
  return -1;
}

/**
 * What is wrong with one `{{ }}`/`{% %}` body, or null. `code` is the body with its string literals
 * emptied, so that operators inside quotes are not mistaken for code.
 */
function checkBody(body: string, isTag: boolean, emptiable: ReadonlySet<string>): string | null {
  if (/^\+|\+$/.test(body)) return 'keeps whitespace with "+", the old syntax: Liquid trims with "-" only, and keeps everything else';
  const code = body
    .replace(/^-|-$/g, '')
    .replace(/"[^"]*"|'[^']*'/g, '""')
    .trim();
  const keyword = isTag ? (/^\w+/.exec(code)?.[0] ?? '') : '';
  if (keyword === 'set') return 'is the old syntax: in Liquid write {% assign name = value %}';
  if (keyword === 'elif') return 'is the old syntax: in Liquid write {% elsif … %}';
  if (keyword === 'for' && /^for\s+\w+\s*,/.test(code))
    return 'unpacks two names, the old syntax: a Liquid loop has one name (a pair is item[0], item[1])';
  if (code.includes('~')) return 'joins text with "~", the old syntax: in Liquid write a | append: b';
  const call = /\|\s*(\w+)\s*\(/.exec(code);
  if (call) return `gives filter arguments in parentheses, the old syntax: in Liquid write | ${call[1]}: arg1, arg2`;
  if (/\bis\s+(not\s+)?(defined|undefined|none)\b/.test(code))
    return 'is an old-syntax test: in Liquid compare, e.g. {% if x != nil %} or {% if x != blank %}';
  if (/\bloop\.\w/.test(code)) return 'reads "loop", the old syntax: in Liquid it is forloop (forloop.index, forloop.first, …)';
  const oldFilter = /\|\s*(\w+)/g;
  for (let m = oldFilter.exec(code); m; m = oldFilter.exec(code)) {
    const name = m[1] as string;
    if (Object.hasOwn(OLD_FILTERS, name)) {
      const liquid = OLD_FILTERS[name];
      return `uses the old filter "${name}": ${liquid ? `in Liquid it is | ${liquid}` : 'Liquid has no such filter'}`;
    }
  }
  if (/\b(None|True|False|none)\b/.test(code)) return 'uses an old-syntax constant: in Liquid they are nil, true and false';
  if (/(^|[\s(,=:])\[/.test(code)) return 'writes a list in brackets, the old syntax: Liquid has no list literals';
  if (keyword === 'if' || keyword === 'elsif' || keyword === 'unless') {
    const condition = code.slice(keyword.length);
    if (/\s(not\s+)?in\s/.test(condition)) return 'tests membership with "in", the old syntax: in Liquid write {% if list contains x %}';
    if (condition.includes('|')) return 'filters a condition, the old syntax: in Liquid assign the filtered value first, then test it';
    if (/\(/.test(condition)) return 'groups a condition in parentheses, the old syntax: Liquid has none (split it into nested ifs)';
    for (const operand of condition.split(/\s+(?:and|or)\s+/)) {
      const name = operand.trim().replace(/^not\s+/, '');
      if (emptiable.has(name)) {
        return `tests ${name} the old way, where empty was false: in Liquid empty text and empty lists are true; write ${name} != blank (or == blank)`;
      }
    }
  }
  return null;
}

/**
 * The first old-syntax construct of `source`, or null. `emptiable` names the variables that can be
 * empty text or an empty list (whose bare test in a condition changed meaning).
 */
export function findOldSyntax(source: string, emptiable: ReadonlySet<string> = new Set()): OldSyntax | null {
  const open = /\{([{%#])/g;
  const lineAt = (index: number) => source.slice(0, index).split('\n').length;
  for (let m = open.exec(source); m; m = open.exec(source)) {
    const start = m.index;
    if (m[1] === '#') {
      // The old syntax refused an unclosed {#, so text like ${#array[@]} with no #} after it is Liquid text.
      const end = source.indexOf('#}', start);
      if (end < 0) continue;
      const construct = shorten(source.slice(start, end + 2));
      return {
        line: lineAt(start),
        construct,
        fix: 'is an old-syntax comment, printed as text by Liquid: write {% comment %} … {% endcomment %}',
      };
    }
    const end = tagEnd(source, start + 2, m[1] === '{' ? '}}' : '%}');
    if (end < 0) return null; // unclosed: Liquid's parser says so, with the line
    const body = source.slice(start + 2, end - 2);
    const block = m[1] === '%' ? /^-?\s*(raw|comment)\s*-?$/.exec(body)?.[1] : undefined;
    if (block) {
      // Their content is text, not code: continue after the closing tag.
      const close = new RegExp(`\\{%-?\\s*end${block}\\s*-?%\\}`, 'g');
      close.lastIndex = end;
      if (!close.exec(source)) return null;
      open.lastIndex = close.lastIndex;
      continue;
    }
    const fix = checkBody(body, m[1] === '%', emptiable);
    if (fix) return { line: lineAt(start), construct: shorten(source.slice(start, end)), fix };
    open.lastIndex = end;
  }
  return null;
}

/** The refusal of a template in the old syntax: where, what, and where the new syntax is described. */
export function oldSyntaxMessage(found: OldSyntax): string {
  return `line ${found.line}: \`${found.construct}\` ${found.fix}. Bootbench answer-file templates are Liquid now: see ${DOCS}`;
}
