// A small, sandboxed, Jinja-like template language for answer files (docs/design/answer-files.md).
// Sysadmins know Jinja from Ansible and Salt; this is the subset an answer file needs, with the
// Jinja environment options Ansible uses (trim_blocks on, lstrip_blocks off).
//
// The sandbox is structural, not a blacklist over a general evaluator: the grammar has no calls,
// no assignment to anything but a template-local name, no attribute of anything but plain JSON
// data (own properties of plain objects and arrays, never __proto__/constructor/prototype), and
// rendering is bounded in output size and loop iterations. A user's template can therefore read
// the context and nothing else, and cannot hang or bloat the boot server.
//
// compileTemplate() parses once (errors carry the line); render() walks the tree per host.

export class TemplateError extends Error {
  readonly line: number;
  readonly detail: string;
  constructor(line: number, detail: string) {
    super(`line ${line}: ${detail}`);
    this.name = 'TemplateError';
    this.line = line;
    this.detail = detail;
  }
}

/** The values a template can see: JSON data. */
export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };
export type TemplateContext = { [key: string]: TemplateValue };

export interface RenderLimits {
  /** Bytes (UTF-16 code units) of output, default 1 MiB. */
  maxOutput?: number;
  /** Loop iterations over the whole render, default 100,000. */
  maxIterations?: number;
}

export interface CompiledTemplate {
  render(context: TemplateContext, limits?: RenderLimits): string;
}

const MAX_SOURCE = 512 * 1024;
const MAX_DEPTH = 64;

// ---------------------------------------------------------------------------------------------
// Lexing: the template into text, output ({{ }}) and statement ({% %}) chunks.

type Chunk =
  | { kind: 'text'; text: string; line: number }
  | { kind: 'output'; source: string; line: number }
  | { kind: 'statement'; source: string; line: number };

function lineAt(src: string, index: number, from = 0, fromLine = 1): number {
  let line = fromLine;
  for (let i = from; i < index; i += 1) if (src.charCodeAt(i) === 10) line += 1;
  return line;
}

/** Index of the closing delimiter of a `{{`/`{%` tag, skipping string literals. */
function findClose(src: string, from: number, close: string): number {
  let quote: string | null = null;
  for (let i = from; i < src.length; i += 1) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === close[0] && src[i + 1] === close[1]) return i;
  }
  return -1;
}

function lex(src: string): Chunk[] {
  const chunks: Chunk[] = [];
  let pos = 0;
  let line = 1;
  // Whitespace control owed to the next text chunk by the tag before it.
  let stripNext: 'none' | 'all' | 'newline' = 'none';
  const pushText = (text: string, at: number) => {
    let t = text;
    if (stripNext === 'all') t = t.replace(/^\s+/, '');
    else if (stripNext === 'newline') t = t.replace(/^\r?\n/, '');
    stripNext = 'none';
    if (t) chunks.push({ kind: 'text', text: t, line: at });
  };
  const stripPrevious = () => {
    const last = chunks[chunks.length - 1];
    if (last?.kind === 'text') {
      last.text = last.text.replace(/\s+$/, '');
      if (!last.text) chunks.pop();
    }
  };

  while (pos < src.length) {
    const open = src.slice(pos).search(/\{[{%#]/);
    if (open < 0) {
      pushText(src.slice(pos), line);
      break;
    }
    const start = pos + open;
    const textLine = line;
    line = lineAt(src, start, pos, line);
    pushText(src.slice(pos, start), textLine);
    const kind = src[start + 1];
    const tagLine = line;
    let bodyStart = start + 2;
    if (src[bodyStart] === '-') {
      stripPrevious();
      bodyStart += 1;
    } else if (src[bodyStart] === '+') bodyStart += 1; // Jinja's "keep": lstrip_blocks is off anyway

    if (kind === '#') {
      const end = src.indexOf('#}', bodyStart);
      if (end < 0) throw new TemplateError(tagLine, 'comment opened with {# is never closed with #}');
      const dash = src[end - 1] === '-' && end - 1 >= bodyStart;
      const plus = src[end - 1] === '+' && end - 1 >= bodyStart;
      stripNext = dash ? 'all' : plus ? 'none' : 'newline';
      line = lineAt(src, end + 2, start, line);
      pos = end + 2;
      continue;
    }

    const close = kind === '{' ? '}}' : '%}';
    const end = findClose(src, bodyStart, close);
    if (end < 0) throw new TemplateError(tagLine, `${kind === '{' ? '{{' : '{%'} is never closed with ${close}`);
    let bodyEnd = end;
    let after: 'none' | 'all' | 'newline' = kind === '%' ? 'newline' : 'none'; // trim_blocks
    if (src[end - 1] === '-' && end - 1 >= bodyStart) {
      after = 'all';
      bodyEnd -= 1;
    } else if (src[end - 1] === '+' && end - 1 >= bodyStart && kind === '%') {
      after = 'none';
      bodyEnd -= 1;
    }
    const source = src.slice(bodyStart, bodyEnd);
    line = lineAt(src, end + 2, start, line);
    pos = end + 2;

    if (kind === '%' && /^\s*raw\s*$/.test(source)) {
      // {% raw %}…{% endraw %}: the text between is output as is.
      const endRaw = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;
      endRaw.lastIndex = pos;
      const m = endRaw.exec(src);
      if (!m) throw new TemplateError(tagLine, '{% raw %} is never closed with {% endraw %}');
      stripNext = after;
      let rawText = src.slice(pos, m.index);
      if (m[1] === '-') rawText = rawText.replace(/\s+$/, '');
      pushText(rawText, line);
      line = lineAt(src, m.index + m[0].length, pos, line);
      pos = m.index + m[0].length;
      stripNext = m[2] === '-' ? 'all' : m[2] === '+' ? 'none' : 'newline';
      continue;
    }
    chunks.push(kind === '{' ? { kind: 'output', source, line: tagLine } : { kind: 'statement', source, line: tagLine });
    stripNext = after;
  }
  return chunks;
}

// ---------------------------------------------------------------------------------------------
// Expressions: tokens, then a recursive-descent parser into a small tree.

type Tok =
  | { t: 'name'; v: string; line: number }
  | { t: 'str'; v: string; line: number }
  | { t: 'num'; v: number; line: number }
  | { t: 'op'; v: string; line: number };

const OPS = ['==', '!=', '<=', '>=', '<', '>', '|', '.', ',', '(', ')', '[', ']', '~', '=', '-'];

function tokenize(source: string, startLine: number): Tok[] {
  const toks: Tok[] = [];
  let line = startLine;
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    if (c === '\n') {
      line += 1;
      i += 1;
    } else if (/\s/.test(c)) i += 1;
    else if (c === '"' || c === "'") {
      let v = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== c; j += 1) {
        let ch = source[j] ?? '';
        if (ch === '\n') line += 1;
        if (ch === '\\') {
          j += 1;
          const e = source[j] ?? '';
          ch = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
        }
        v += ch;
      }
      if (j >= source.length) throw new TemplateError(line, 'string literal is never closed');
      toks.push({ t: 'str', v, line });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i));
      const text = m?.[0] ?? c;
      toks.push({ t: 'num', v: Number(text), line });
      i += text.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
      const text = m?.[0] ?? c;
      toks.push({ t: 'name', v: text, line });
      i += text.length;
    } else {
      const op = OPS.find((o) => source.startsWith(o, i));
      if (!op) throw new TemplateError(line, `unexpected character ${JSON.stringify(c)} in an expression`);
      toks.push({ t: 'op', v: op, line });
      i += op.length;
    }
  }
  return toks;
}

type Expr =
  | { k: 'lit'; value: TemplateValue; line: number }
  | { k: 'list'; items: Expr[]; line: number }
  | { k: 'name'; name: string; line: number }
  | { k: 'get'; target: Expr; key: Expr; line: number }
  | { k: 'not'; arg: Expr; line: number }
  | { k: 'bin'; op: string; left: Expr; right: Expr; line: number }
  | { k: 'filter'; name: string; target: Expr; args: Expr[]; line: number }
  | { k: 'test'; name: 'defined' | 'undefined' | 'none'; negate: boolean; target: Expr; line: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'elif', 'else', 'endif', 'for', 'endfor', 'set', 'true', 'false', 'none', 'True', 'False', 'None']);

class ExprParser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[], private readonly line: number) {}

  peek(offset = 0): Tok | undefined {
    return this.toks[this.i + offset];
  }
  private at(): number {
    return this.peek()?.line ?? this.toks[this.toks.length - 1]?.line ?? this.line;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t?.t === 'op' && t.v === v;
  }
  private isName(v: string): boolean {
    const t = this.peek();
    return t?.t === 'name' && t.v === v;
  }
  expectOp(v: string): void {
    if (!this.isOp(v)) throw new TemplateError(this.at(), `expected "${v}"${this.found()}`);
    this.i += 1;
  }
  expectName(v: string): void {
    if (!this.isName(v)) throw new TemplateError(this.at(), `expected "${v}"${this.found()}`);
    this.i += 1;
  }
  identifier(): string {
    const t = this.peek();
    if (t?.t !== 'name' || KEYWORDS.has(t.v)) throw new TemplateError(this.at(), `expected a name${this.found()}`);
    this.i += 1;
    return t.v;
  }
  private found(): string {
    const t = this.peek();
    return t ? `, found ${JSON.stringify(String(t.v))}` : ', found the end of the tag';
  }
  done(): void {
    if (this.i < this.toks.length) throw new TemplateError(this.at(), `unexpected ${JSON.stringify(String(this.peek()?.v))}`);
  }

  expression(): Expr {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) throw new TemplateError(this.at(), 'expression nested too deeply');
    try {
      return this.or();
    } finally {
      this.depth -= 1;
    }
  }
  private or(): Expr {
    let left = this.and();
    while (this.isName('or')) {
      const line = this.at();
      this.i += 1;
      left = { k: 'bin', op: 'or', left, right: this.and(), line };
    }
    return left;
  }
  private and(): Expr {
    let left = this.not();
    while (this.isName('and')) {
      const line = this.at();
      this.i += 1;
      left = { k: 'bin', op: 'and', left, right: this.not(), line };
    }
    return left;
  }
  private not(): Expr {
    if (this.isName('not')) {
      const line = this.at();
      this.i += 1;
      return { k: 'not', arg: this.not(), line };
    }
    return this.comparison();
  }
  private comparison(): Expr {
    const left = this.concat();
    const line = this.at();
    const t = this.peek();
    if (t?.t === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(t.v)) {
      this.i += 1;
      return { k: 'bin', op: t.v, left, right: this.concat(), line };
    }
    if (this.isName('in')) {
      this.i += 1;
      return { k: 'bin', op: 'in', left, right: this.concat(), line };
    }
    if (this.isName('not') && this.peek(1)?.t === 'name' && this.peek(1)?.v === 'in') {
      this.i += 2;
      return { k: 'not', arg: { k: 'bin', op: 'in', left, right: this.concat(), line }, line };
    }
    if (this.isName('is')) {
      this.i += 1;
      const negate = this.isName('not');
      if (negate) this.i += 1;
      const name = this.peek();
      if (name?.t !== 'name' || !['defined', 'undefined', 'none'].includes(name.v)) {
        throw new TemplateError(this.at(), `unknown test${this.found()}: use "is defined", "is undefined" or "is none"`);
      }
      this.i += 1;
      return { k: 'test', name: name.v as 'defined' | 'undefined' | 'none', negate, target: left, line };
    }
    return left;
  }
  private concat(): Expr {
    let left = this.filtered();
    while (this.isOp('~')) {
      const line = this.at();
      this.i += 1;
      left = { k: 'bin', op: '~', left, right: this.filtered(), line };
    }
    return left;
  }
  private filtered(): Expr {
    let target = this.postfix();
    while (this.isOp('|')) {
      this.i += 1;
      const line = this.at();
      const name = this.identifier();
      if (!FILTERS.has(name)) throw new TemplateError(line, `unknown filter "${name}" (filters: ${[...FILTERS.keys()].sort().join(', ')})`);
      const args: Expr[] = [];
      if (this.isOp('(')) {
        this.i += 1;
        while (!this.isOp(')')) {
          args.push(this.expression());
          if (!this.isOp(')')) this.expectOp(',');
        }
        this.i += 1;
      }
      target = { k: 'filter', name, target, args, line };
    }
    return target;
  }
  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      const line = this.at();
      if (this.isOp('.')) {
        this.i += 1;
        const t = this.peek();
        if (t?.t === 'name') {
          this.i += 1;
          e = { k: 'get', target: e, key: { k: 'lit', value: t.v, line }, line };
        } else if (t?.t === 'num' && Number.isInteger(t.v)) {
          this.i += 1;
          e = { k: 'get', target: e, key: { k: 'lit', value: t.v, line }, line };
        } else throw new TemplateError(line, `expected a name after "."${this.found()}`);
      } else if (this.isOp('[')) {
        this.i += 1;
        const key = this.expression();
        this.expectOp(']');
        e = { k: 'get', target: e, key, line };
      } else if (this.isOp('(')) {
        throw new TemplateError(line, 'templates cannot call functions: use a filter, e.g. {{ x | upper }}');
      } else return e;
    }
  }
  private primary(): Expr {
    const t = this.peek();
    const line = this.at();
    if (!t) throw new TemplateError(line, 'expected a value, found the end of the tag');
    this.i += 1;
    if (t.t === 'str' || t.t === 'num') return { k: 'lit', value: t.v, line };
    if (t.t === 'op' && t.v === '-' && this.peek()?.t === 'num') {
      const n = this.peek() as Extract<Tok, { t: 'num' }>;
      this.i += 1;
      return { k: 'lit', value: -n.v, line };
    }
    if (t.t === 'op' && t.v === '(') {
      const e = this.expression();
      this.expectOp(')');
      return e;
    }
    if (t.t === 'op' && t.v === '[') {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        items.push(this.expression());
        if (!this.isOp(']')) this.expectOp(',');
      }
      this.i += 1;
      return { k: 'list', items, line };
    }
    if (t.t === 'name') {
      if (t.v === 'true' || t.v === 'True') return { k: 'lit', value: true, line };
      if (t.v === 'false' || t.v === 'False') return { k: 'lit', value: false, line };
      if (t.v === 'none' || t.v === 'None') return { k: 'lit', value: null, line };
      if (KEYWORDS.has(t.v)) throw new TemplateError(line, `unexpected "${t.v}"`);
      return { k: 'name', name: t.v, line };
    }
    throw new TemplateError(line, `unexpected ${JSON.stringify(t.v)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Statements: the block structure.

type Node =
  | { k: 'text'; text: string; line: number }
  | { k: 'output'; expr: Expr; line: number }
  | { k: 'if'; branches: { cond: Expr; body: Node[] }[]; otherwise: Node[]; line: number }
  | { k: 'for'; names: string[]; iterable: Expr; body: Node[]; otherwise: Node[]; line: number }
  | { k: 'set'; name: string; expr: Expr; line: number };

interface Statement {
  keyword: string;
  parser: ExprParser;
  line: number;
}

function parseTemplate(chunks: Chunk[]): Node[] {
  let i = 0;
  const statementOf = (c: Extract<Chunk, { kind: 'statement' }>): Statement => {
    const parser = new ExprParser(tokenize(c.source, c.line), c.line);
    const first = parser.peek();
    if (first?.t !== 'name') throw new TemplateError(c.line, 'empty or malformed {% %} tag');
    return { keyword: first.v, parser, line: c.line };
  };

  // Parse nodes until one of `ends` (returned, not consumed... consumed and returned).
  const block = (ends: string[], opener: { name: string; line: number } | null, depth: number): { nodes: Node[]; end: Statement | null } => {
    if (depth > MAX_DEPTH) throw new TemplateError(opener?.line ?? 1, 'blocks nested too deeply');
    const nodes: Node[] = [];
    while (i < chunks.length) {
      const c = chunks[i++] as Chunk;
      if (c.kind === 'text') {
        nodes.push({ k: 'text', text: c.text, line: c.line });
        continue;
      }
      if (c.kind === 'output') {
        const p = new ExprParser(tokenize(c.source, c.line), c.line);
        const expr = p.expression();
        p.done();
        nodes.push({ k: 'output', expr, line: c.line });
        continue;
      }
      const st = statementOf(c);
      if (ends.includes(st.keyword)) return { nodes, end: st };
      const p = st.parser;
      p.expectName(st.keyword);
      switch (st.keyword) {
        case 'if': {
          const branches: { cond: Expr; body: Node[] }[] = [];
          let cond = p.expression();
          p.done();
          let otherwise: Node[] = [];
          for (;;) {
            const r = block(['elif', 'else', 'endif'], { name: 'if', line: st.line }, depth + 1);
            branches.push({ cond, body: r.nodes });
            const end = r.end as Statement;
            end.parser.expectName(end.keyword);
            if (end.keyword === 'elif') {
              cond = end.parser.expression();
              end.parser.done();
              continue;
            }
            end.parser.done();
            if (end.keyword === 'else') {
              const r2 = block(['endif'], { name: 'if', line: st.line }, depth + 1);
              (r2.end as Statement).parser.expectName('endif');
              (r2.end as Statement).parser.done();
              otherwise = r2.nodes;
            }
            break;
          }
          nodes.push({ k: 'if', branches, otherwise, line: st.line });
          break;
        }
        case 'for': {
          const names = [p.identifier()];
          while (p.peek()?.t === 'op' && p.peek()?.v === ',') {
            p.expectOp(',');
            names.push(p.identifier());
          }
          if (names.includes('loop')) throw new TemplateError(st.line, '"loop" is reserved inside a for block');
          p.expectName('in');
          const iterable = p.expression();
          p.done();
          const r = block(['else', 'endfor'], { name: 'for', line: st.line }, depth + 1);
          const end = r.end as Statement;
          end.parser.expectName(end.keyword);
          end.parser.done();
          let otherwise: Node[] = [];
          if (end.keyword === 'else') {
            const r2 = block(['endfor'], { name: 'for', line: st.line }, depth + 1);
            (r2.end as Statement).parser.expectName('endfor');
            (r2.end as Statement).parser.done();
            otherwise = r2.nodes;
          }
          nodes.push({ k: 'for', names, iterable, body: r.nodes, otherwise, line: st.line });
          break;
        }
        case 'set': {
          const name = p.identifier();
          p.expectOp('=');
          const expr = p.expression();
          p.done();
          nodes.push({ k: 'set', name, expr, line: st.line });
          break;
        }
        case 'elif':
        case 'else':
        case 'endif':
        case 'endfor':
          throw new TemplateError(st.line, `{% ${st.keyword} %} without a matching ${st.keyword === 'endfor' ? '{% for %}' : '{% if %}'}${opener ? ` (the open block is the {% ${opener.name} %} of line ${opener.line})` : ''}`);
        default:
          throw new TemplateError(st.line, `unknown tag {% ${st.keyword} %} (tags: if, elif, else, endif, for, endfor, set, raw)`);
      }
    }
    if (opener) throw new TemplateError(opener.line, `{% ${opener.name} %} is never closed with {% end${opener.name} %}`);
    return { nodes, end: null };
  };
  return block([], null, 0).nodes;
}

// ---------------------------------------------------------------------------------------------
// Evaluation.

/** What an unknown name or missing key evaluates to: an error unless `default` or `is defined` looks at it. */
class Undefined {
  constructor(readonly path: string, readonly hint: string) {}
}
type Value = TemplateValue | Undefined;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(v: unknown): v is { [key: string]: TemplateValue } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(v: Value): string {
  if (v instanceof Undefined) return 'undefined';
  if (v === null) return 'none';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

function pathOf(e: Expr): string {
  if (e.k === 'name') return e.name;
  if (e.k === 'get') return `${pathOf(e.target)}${e.key.k === 'lit' && typeof e.key.value === 'string' ? `.${e.key.value}` : '[…]'}`;
  return 'value';
}

/** The only way values enter evaluation: JSON data is kept, anything else (functions, class instances) is refused. */
function admit(v: unknown, path: string, line: number): TemplateValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) || isPlainObject(v)) return v as TemplateValue;
  throw new TemplateError(line, `${path} is not template data (only strings, numbers, booleans, none, lists and mappings)`);
}

function getItem(target: Value, key: TemplateValue, path: string, line: number): Value {
  if (target instanceof Undefined) return new Undefined(path, target.hint);
  if (Array.isArray(target)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) throw new TemplateError(line, `a list is indexed by a whole number, not ${describe(key)} (${path})`);
    const idx = key < 0 ? target.length + key : key;
    return idx >= 0 && idx < target.length ? admit(target[idx], path, line) : new Undefined(path, `the list has ${target.length} item(s)`);
  }
  if (isPlainObject(target)) {
    const k = typeof key === 'number' ? String(key) : key;
    if (typeof k !== 'string') throw new TemplateError(line, `a mapping is indexed by a name, not ${describe(key)} (${path})`);
    if (FORBIDDEN_KEYS.has(k)) throw new TemplateError(line, `"${k}" cannot be read in a template (${path})`);
    if (!Object.hasOwn(target, k)) {
      const keys = Object.keys(target);
      return new Undefined(path, keys.length <= 40 ? `it has: ${keys.join(', ') || 'nothing'}` : `it has ${keys.length} keys`);
    }
    return admit(target[k], path, line);
  }
  throw new TemplateError(line, `cannot read "${String(key)}" of ${describe(target)} (${path})`);
}

function truthy(v: TemplateValue): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

function defined(v: Value, line: number): TemplateValue {
  if (v instanceof Undefined) {
    throw new TemplateError(line, `"${v.path}" is undefined (${v.hint}); write {{ ${v.path} | default('…') }} if it may be missing`);
  }
  return v;
}

function toText(v: TemplateValue, line: number, what = 'value'): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '';
  throw new TemplateError(line, `cannot print ${describe(v)} as text (${what}): use | join(', ') or | tojson`);
}

function equal(a: TemplateValue, b: TemplateValue): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

interface RenderState {
  out: string[];
  size: number;
  iterations: number;
  maxOutput: number;
  maxIterations: number;
}

type Scope = Map<string, TemplateValue>;

type Filter = (line: number, input: Value, args: TemplateValue[]) => Value;

const str = (v: TemplateValue, line: number, filter: string): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '';
  throw new TemplateError(line, `filter ${filter} needs text, got ${describe(v)}`);
};
const list = (v: TemplateValue, line: number, filter: string): TemplateValue[] => {
  if (Array.isArray(v)) return v;
  throw new TemplateError(line, `filter ${filter} needs a list, got ${describe(v)}`);
};
const int = (v: TemplateValue | undefined, fallback: number, line: number, filter: string): number => {
  if (v === undefined) return fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1000) return v;
  throw new TemplateError(line, `filter ${filter} needs a whole number from 0 to 1000`);
};
/** Most filters want a defined input; `default` is the one that does not. */
const strict = (f: (line: number, input: TemplateValue, args: TemplateValue[]) => Value): Filter =>
  (line, input, args) => f(line, defined(input, line), args);

function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

const FILTERS = new Map<string, Filter>([
  ['default', (_line, input, args) => {
    const fallback = args[0] ?? '';
    if (input instanceof Undefined) return fallback;
    return args[1] === true && !truthy(input) ? fallback : input;
  }],
  ['upper', strict((line, v) => str(v, line, 'upper').toUpperCase())],
  ['lower', strict((line, v) => str(v, line, 'lower').toLowerCase())],
  ['trim', strict((line, v) => str(v, line, 'trim').trim())],
  ['string', strict((line, v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : str(v, line, 'string')))],
  ['join', strict((line, v, [sep]) => list(v, line, 'join').map((x) => toText(x, line, 'an item of join')).join(sep === undefined ? '' : str(sep, line, 'join')))],
  ['split', strict((line, v, [sep]) => {
    const s = str(v, line, 'split');
    return sep === undefined ? s.split(/\s+/).filter(Boolean) : s.split(str(sep, line, 'split'));
  })],
  ['replace', strict((line, v, [a, b]) => {
    if (a === undefined || b === undefined) throw new TemplateError(line, 'replace needs two arguments: replace(old, new)');
    return str(v, line, 'replace').split(str(a, line, 'replace')).join(str(b, line, 'replace'));
  })],
  ['indent', strict((line, v, [width, first, blank]) => {
    // Jinja: every line but the first gets `width` spaces; blank lines stay empty unless `blank`.
    const pad = ' '.repeat(int(width, 4, line, 'indent'));
    return str(v, line, 'indent').split('\n')
      .map((l, n) => ((n === 0 && first !== true) || (l === '' && blank !== true) ? l : pad + l))
      .join('\n');
  })],
  ['length', strict((line, v) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isPlainObject(v)) return Object.keys(v).length;
    throw new TemplateError(line, `filter length needs text, a list or a mapping, got ${describe(v)}`);
  })],
  ['first', strict((line, v) => {
    const l = typeof v === 'string' ? [...v] : list(v, line, 'first');
    return l.length ? l[0] as TemplateValue : new Undefined('first', 'the list is empty');
  })],
  ['last', strict((line, v) => {
    const l = typeof v === 'string' ? [...v] : list(v, line, 'last');
    return l.length ? l[l.length - 1] as TemplateValue : new Undefined('last', 'the list is empty');
  })],
  // POSIX single quotes: nothing inside is special; a quote is closed, escaped and reopened.
  ['shell_quote', strict((line, v) => `'${str(v, line, 'shell_quote').replace(/'/g, `'\\''`)}'`)],
  ['xml', strict((line, v) => xmlEscape(str(v, line, 'xml')))],
  ['json', strict((_line, v) => JSON.stringify(v))],
  ['tojson', strict((_line, v) => JSON.stringify(v))],
  ['urlencode', strict((line, v) => encodeURIComponent(str(v, line, 'urlencode')))],
  ['b64encode', strict((line, v) => Buffer.from(str(v, line, 'b64encode'), 'utf8').toString('base64'))],
  ['items', strict((line, v) => {
    if (!isPlainObject(v)) throw new TemplateError(line, `filter items needs a mapping, got ${describe(v)}`);
    return Object.keys(v).sort().map((k) => [k, v[k] as TemplateValue]);
  })],
  ['lines', strict((line, v) => str(v, line, 'lines').split(/\r?\n/).filter((l) => l.trim() !== ''))],
]);

class Renderer {
  constructor(private readonly context: TemplateContext, private readonly state: RenderState) {}

  private lookup(name: string, scopes: Scope[], line: number): Value {
    for (let s = scopes.length - 1; s >= 0; s -= 1) {
      const scope = scopes[s] as Scope;
      if (scope.has(name)) return scope.get(name) as TemplateValue;
    }
    if (FORBIDDEN_KEYS.has(name)) throw new TemplateError(line, `"${name}" cannot be read in a template`);
    if (Object.hasOwn(this.context, name)) return admit(this.context[name], name, line);
    return new Undefined(name, 'no such variable');
  }

  eval(e: Expr, scopes: Scope[]): Value {
    switch (e.k) {
      case 'lit':
        return e.value;
      case 'list':
        return e.items.map((x) => defined(this.eval(x, scopes), x.line));
      case 'name':
        return this.lookup(e.name, scopes, e.line);
      case 'get': {
        const key = defined(this.eval(e.key, scopes), e.line);
        return getItem(this.eval(e.target, scopes), key, pathOf(e), e.line);
      }
      case 'not':
        return !truthy(defined(this.eval(e.arg, scopes), e.line));
      case 'test': {
        const v = this.eval(e.target, scopes);
        const r = e.name === 'defined' ? !(v instanceof Undefined) : e.name === 'undefined' ? v instanceof Undefined : defined(v, e.line) === null;
        return e.negate ? !r : r;
      }
      case 'filter': {
        const f = FILTERS.get(e.name) as Filter;
        const args = e.args.map((a) => defined(this.eval(a, scopes), a.line));
        return f(e.line, this.eval(e.target, scopes), args);
      }
      case 'bin':
        return this.binary(e, scopes);
      default:
        return assertNever(e);
    }
  }

  private binary(e: Extract<Expr, { k: 'bin' }>, scopes: Scope[]): Value {
    const left = defined(this.eval(e.left, scopes), e.line);
    if (e.op === 'and') return truthy(left) ? defined(this.eval(e.right, scopes), e.line) : left;
    if (e.op === 'or') return truthy(left) ? left : defined(this.eval(e.right, scopes), e.line);
    const right = defined(this.eval(e.right, scopes), e.line);
    switch (e.op) {
      case '==':
        return equal(left, right);
      case '!=':
        return !equal(left, right);
      case '~':
        return toText(left, e.line, 'left of ~') + toText(right, e.line, 'right of ~');
      case 'in':
        if (typeof right === 'string') return right.includes(toText(left, e.line, 'left of in'));
        if (Array.isArray(right)) return right.some((x) => equal(x, left));
        if (isPlainObject(right)) return typeof left === 'string' && Object.hasOwn(right, left);
        throw new TemplateError(e.line, `"in" needs text, a list or a mapping on its right, got ${describe(right)}`);
      default: {
        const bothNumbers = typeof left === 'number' && typeof right === 'number';
        const bothText = typeof left === 'string' && typeof right === 'string';
        if (!bothNumbers && !bothText) throw new TemplateError(e.line, `cannot compare ${describe(left)} with ${describe(right)} using ${e.op}`);
        const a = left as number | string;
        const b = right as number | string;
        return e.op === '<' ? a < b : e.op === '>' ? a > b : e.op === '<=' ? a <= b : a >= b;
      }
    }
  }

  private emit(text: string, line: number): void {
    this.state.size += text.length;
    if (this.state.size > this.state.maxOutput) {
      throw new TemplateError(line, `the output is larger than ${this.state.maxOutput} characters (a loop that never ends?)`);
    }
    this.state.out.push(text);
  }

  run(nodes: Node[], scopes: Scope[]): void {
    for (const n of nodes) {
      switch (n.k) {
        case 'text':
          this.emit(n.text, n.line);
          break;
        case 'output':
          this.emit(toText(defined(this.eval(n.expr, scopes), n.line), n.line, pathOf(n.expr)), n.line);
          break;
        case 'set':
          (scopes[scopes.length - 1] as Scope).set(n.name, defined(this.eval(n.expr, scopes), n.line));
          break;
        case 'if': {
          const branch = n.branches.find((b) => truthy(defined(this.eval(b.cond, scopes), n.line)));
          this.run(branch ? branch.body : n.otherwise, scopes);
          break;
        }
        case 'for':
          this.loop(n, scopes);
          break;
        default:
          assertNever(n);
      }
    }
  }

  private loop(n: Extract<Node, { k: 'for' }>, scopes: Scope[]): void {
    const iterable = defined(this.eval(n.iterable, scopes), n.line);
    let items: TemplateValue[];
    if (Array.isArray(iterable)) items = iterable;
    else if (isPlainObject(iterable)) items = Object.keys(iterable).sort();
    else if (typeof iterable === 'string') items = [...iterable];
    else throw new TemplateError(n.line, `cannot loop over ${describe(iterable)} (${pathOf(n.iterable)})`);
    if (items.length === 0) {
      this.run(n.otherwise, scopes);
      return;
    }
    items.forEach((raw, index) => {
      this.state.iterations += 1;
      if (this.state.iterations > this.state.maxIterations) throw new TemplateError(n.line, `more than ${this.state.maxIterations} loop iterations`);
      const item = admit(raw, pathOf(n.iterable), n.line);
      const scope: Scope = new Map();
      if (n.names.length === 1) scope.set(n.names[0] as string, item);
      else {
        if (!Array.isArray(item) || item.length !== n.names.length) {
          throw new TemplateError(n.line, `cannot unpack ${describe(item)} into ${n.names.join(', ')}`);
        }
        n.names.forEach((name, i) => scope.set(name, item[i] as TemplateValue));
      }
      scope.set('loop', {
        index: index + 1, index0: index, revindex: items.length - index, first: index === 0, last: index === items.length - 1, length: items.length,
      });
      this.run(n.body, [...scopes, scope]);
    });
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}

/** Parse a template; throws TemplateError (with the line) when it is malformed. */
export function compileTemplate(source: string): CompiledTemplate {
  if (source.length > MAX_SOURCE) throw new TemplateError(1, `the template is larger than ${MAX_SOURCE} characters`);
  const nodes = parseTemplate(lex(source));
  return {
    render(context: TemplateContext, limits: RenderLimits = {}): string {
      const state: RenderState = {
        out: [], size: 0, iterations: 0, maxOutput: limits.maxOutput ?? 1024 * 1024, maxIterations: limits.maxIterations ?? 100_000,
      };
      new Renderer(context, state).run(nodes, [new Map()]);
      return state.out.join('');
    },
  };
}

/** compileTemplate(source).render(context), for one-off use. */
export function renderTemplate(source: string, context: TemplateContext, limits?: RenderLimits): string {
  return compileTemplate(source).render(context, limits);
}
