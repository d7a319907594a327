/** `KEY=value` lines → per-install settings (the UI's `--set KEY=VALUE`); blank and malformed lines are skipped. */
export function parseOverrides(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    const key = line.slice(0, i).trim();
    if (i > 0 && key) out[key] = line.slice(i + 1).trim();
  }
  return out;
}
