// AutoYaST profiles: well-formed XML (fast-xml-parser's validator, which reports the line), a root
// element `profile` in the namespace http://www.suse.com/1.0/yast2ns (AutoYaST ignores a profile in
// any other), and the `config:` prefix bound to http://www.suse.com/1.0/configns wherever
// `config:type` is used (else list and boolean values are read as text).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ValidationProblem } from '../../../shared/contract.js';

export const YAST_NS = 'http://www.suse.com/1.0/yast2ns';
export const CONFIG_NS = 'http://www.suse.com/1.0/configns';

function lineOf(text: string, index: number): number | null {
  return index < 0 ? null : text.slice(0, index).split('\n').length;
}

export function validateAutoyast(text: string): { ok: boolean; problems: ValidationProblem[] } {
  const wellFormed = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (wellFormed !== true) {
    return { ok: false, problems: [{ line: wellFormed.err.line, message: `not well-formed XML: ${wellFormed.err.msg}` }] };
  }
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', ignoreDeclaration: true, preserveOrder: true }).parse(
    text,
  ) as Record<string, unknown>[];
  const roots = doc.filter((n) => !Object.keys(n).some((k) => k.startsWith('?') || k.startsWith('!')) && !('#text' in n));
  const problems: ValidationProblem[] = [];
  if (roots.length !== 1)
    return { ok: false, problems: [{ line: null, message: `an XML document has one root element; found ${roots.length}` }] };
  const root = roots[0] as Record<string, unknown>;
  const tag = Object.keys(root).find((k) => k !== ':@') ?? '';
  const attrs = (root[':@'] ?? {}) as Record<string, string>;
  const [prefix, local] = tag.includes(':') ? (tag.split(':', 2) as [string, string]) : [null, tag];
  const rootLine = lineOf(text, text.search(new RegExp(`<${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s>/]`)));
  const ns = prefix ? attrs[`@_xmlns:${prefix}`] : attrs['@_xmlns'];
  if (local !== 'profile')
    problems.push({ line: rootLine, message: `the root element is <${tag}>: an AutoYaST profile's root is <profile xmlns="${YAST_NS}">` });
  else if (ns !== YAST_NS) {
    problems.push({
      line: rootLine,
      message: `<${tag}> is in namespace ${ns ? `"${ns}"` : 'none'}: AutoYaST reads only profiles in xmlns="${YAST_NS}"`,
    });
  }
  const usesConfig = /\sconfig:type\s*=/.test(text);
  if (
    usesConfig &&
    attrs['@_xmlns:config'] !== CONFIG_NS &&
    !new RegExp(`xmlns:config\\s*=\\s*["']${CONFIG_NS.replace(/\./g, '\\.')}["']`).test(text)
  ) {
    problems.push({
      line: lineOf(text, text.search(/\sconfig:type\s*=/)),
      message: `config:type is used but the prefix "config" is not bound to ${CONFIG_NS} (add xmlns:config="${CONFIG_NS}" to <profile>)`,
    });
  }
  return { ok: problems.length === 0, problems };
}
