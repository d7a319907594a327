// The last line of defence for write-only secrets: any text bound for a log, a timeline or an error
// answer has the host's secrets replaced. Drivers already keep passwords out of their words (ipmitool
// gets its password through the environment, never argv); this catches what a tool echoes anyway.

/** `text` with every occurrence of each secret replaced by `***` (longest first: one may contain another). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}
