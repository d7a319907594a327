// A small INI reader for .treeinfo (productmd's treeinfo format: '[section]' headers and
// 'key = value' lines, ';' or '#' comments). Pure; keys and section names are lower-cased,
// values trimmed; a later duplicate key wins, as in Python's configparser that productmd uses.

export type Ini = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function parseIni(text: string): Ini {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      const name = header[1].trim().toLowerCase();
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    const eq = line.search(/[=:]/);
    if (current === null || eq <= 0) continue; // keys before any section, or junk: ignore
    current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return sections;
}

export function iniGet(ini: Ini, section: string, key: string): string | undefined {
  const value = ini.get(section.toLowerCase())?.get(key.toLowerCase());
  return value === undefined || value === '' ? undefined : value;
}
