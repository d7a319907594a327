// Answer-file templates are Liquid (https://liquidjs.com/, Shopify's reference at
// https://shopify.github.io/liquid/), rendered by liquidjs in a sandbox: a template reads the own
// properties of the context it is given and nothing else (no prototypes, no files), names only
// variables and filters that exist, and is bounded in size, time and memory.
// docs/design/answer-files.md describes the syntax; compileTemplate() parses once (errors carry the
// line), render() runs per host.
import { Liquid, LiquidError, type FilterImplOptions, type Template } from 'liquidjs';

export class TemplateError extends Error {
  readonly line: number | null;
  readonly detail: string;
  constructor(line: number | null, detail: string) {
    super(line === null ? detail : `line ${line}: ${detail}`);
    this.name = 'TemplateError';
    this.line = line;
    this.detail = detail;
  }
}

/** The values a template can see: JSON data. */
export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };
export type TemplateContext = { [key: string]: TemplateValue };

export interface CompiledTemplate {
  render(context: TemplateContext): string;
}

export const TEMPLATE_LIMITS = {
  /** Characters of template source. */
  parse: 512 * 1024,
  /** Milliseconds of one render (rendering is synchronous: this is how long it may hold the event loop). */
  render: 1000,
  /** liquidjs's memory units (characters and array items the filters and loops allocate) per render. */
  memory: 16 * 1024 * 1024,
  /** Characters of output. */
  output: 1024 * 1024,
} as const;

const engine = new Liquid({
  ownPropertyOnly: true,
  strictVariables: true,
  strictFilters: true,
  // `{% if x %}` and `| default:` may look at a missing variable; anything else naming one is an error.
  lenientIf: true,
  // No file system: an empty in-memory set of partials, and the tags that read one refuse at parse (below).
  templates: {},
  parseLimit: TEMPLATE_LIMITS.parse,
  renderLimit: TEMPLATE_LIMITS.render,
  memoryLimit: TEMPLATE_LIMITS.memory,
});

for (const tag of ['include', 'render', 'layout']) {
  engine.registerTag(tag, {
    parse() {
      throw new Error(`{% ${tag} %} is not available: answer-file templates cannot read other files`);
    },
    *render() {},
  });
}

/** What liquidjs binds `this` to in a filter (its render context, for the memory limit). */
type FilterThis = ThisParameterType<Extract<FilterImplOptions, (...args: never[]) => unknown>>;

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value as number | boolean);
}

const FILTERS: Record<string, (this: FilterThis, value: unknown) => string> = {
  // POSIX single quotes: nothing inside is special; a quote is closed, escaped and reopened.
  shell_quote(value) {
    const s = text(value);
    this.context.memoryLimit.use(s.length + 2);
    return `'${s.replace(/'/g, `'\\''`)}'`;
  },
  // RFC 3986 percent-encoding of a URL component: a space is %20 (url_encode writes +, a form encoding).
  percent_encode(value) {
    const s = text(value);
    this.context.memoryLimit.use(s.length * 3);
    return encodeURIComponent(s);
  },
  // Liquid's own xml_escape writes &#34; and &#39;; these are XML's named entities, as Bootbench always wrote.
  xml_escape(value) {
    const s = text(value);
    this.context.memoryLimit.use(s.length);
    return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
  },
};
for (const [name, filter] of Object.entries(FILTERS)) engine.registerFilter(name, filter);

/** liquidjs ends its messages with ", line:L, col:C" and names the variable after "undefined variable: ". */
function templateError(e: unknown): unknown {
  if (!(e instanceof LiquidError)) return e;
  const line = e.token.getPosition()[0];
  let detail = e.message.replace(/, line:\d+, col:\d+$/, '');
  const undefinedName = /^undefined variable: (.+)$/.exec(detail)?.[1];
  if (undefinedName) detail = `"${undefinedName}" is undefined (write {{ ${undefinedName} | default: '…' }} if it may be missing)`;
  else if (detail === 'template render limit exceeded')
    detail = `the render took longer than ${TEMPLATE_LIMITS.render} ms (a loop that never ends?)`;
  else if (detail === 'memory alloc limit exceeded')
    detail = `the render allocated more than ${TEMPLATE_LIMITS.memory} characters (a loop that never ends?)`;
  return new TemplateError(line ?? null, detail);
}

/** Parses a template; throws TemplateError (with the line) when it is malformed. */
export function compileTemplate(source: string): CompiledTemplate {
  if (source.length > TEMPLATE_LIMITS.parse)
    throw new TemplateError(null, `the template is larger than ${TEMPLATE_LIMITS.parse} characters`);
  let parsed: Template[];
  try {
    parsed = engine.parse(source);
  } catch (e) {
    throw templateError(e);
  }
  return {
    render(context: TemplateContext): string {
      let out: string;
      try {
        out = engine.renderSync(parsed, context) as string;
      } catch (e) {
        throw templateError(e);
      }
      if (out.length > TEMPLATE_LIMITS.output)
        throw new TemplateError(null, `the output is larger than ${TEMPLATE_LIMITS.output} characters`);
      return out;
    },
  };
}
