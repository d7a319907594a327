// The Secure Boot bench's records and its Markdown report (bench/boot/secure-bench.ts).

export type Case = 'reference' | 'signed' | 'ipxe';
export const CASE_NAME: Record<Case, string> = {
  reference: 'reference lab (dnsmasq + Python HTTP), signed chain, Secure Boot on',
  signed: 'Bootbench --chain signed, Secure Boot on',
  ipxe: 'Bootbench, iPXE chain, Secure Boot off',
};

export interface Stages {
  ack1?: number;
  loader?: number;
  grub?: number;
  config?: number;
  kernel?: number;
  initrd?: number;
  linux?: number;
  secure?: number;
  preseed?: number;
}
export const STAGES: [keyof Stages, string][] = [
  ['ack1', 'DHCP ACK 1'],
  ['loader', 'loader sent'],
  ['grub', 'GRUB sent'],
  ['config', 'config/script'],
  ['kernel', 'kernel sent'],
  ['initrd', 'initrd sent'],
  ['linux', 'kernel running'],
  ['secure', 'SB enabled'],
  ['preseed', 'preseed GET'],
];

export interface RunResult {
  which: Case;
  run: number;
  mac: string;
  ok: boolean;
  error?: string;
  stages: Stages;
  load: string;
}

export const f1 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));

function median(values: (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}

export function report(results: RunResult[], meta: string, CASES: readonly Case[]): string {
  const ok = (c: Case) => results.filter((r) => r.which === c && r.ok);
  const med = (c: Case, k: keyof Stages) => median(ok(c).map((r) => r.stages[k]));
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : '–');
  const lines = [meta, ''];
  lines.push(
    '| case | runs ok | power-on → kernel running, each run (s) | median | ratio to ref | power-on → preseed, each run (s) | median | ratio to ref |',
  );
  lines.push('|---|---:|---|---:|---:|---|---:|---:|');
  for (const c of CASES) {
    const rs = results.filter((r) => r.which === c);
    const each = (k: keyof Stages) => rs.map((r) => (r.ok ? f1(r.stages[k]) : 'fail')).join(', ');
    lines.push(
      `| ${CASE_NAME[c]} | ${ok(c).length}/${rs.length} | ${each('linux')} | ${f1(med(c, 'linux'))} | ${ratio(med(c, 'linux'), med('reference', 'linux'))} | ${each('preseed')} | ${f1(med(c, 'preseed'))} | ${ratio(med(c, 'preseed'), med('reference', 'preseed'))} |`,
    );
  }
  lines.push('', 'Stage medians (s after QEMU started; TFTP: the transfer’s end):', '');
  lines.push(`| case | ${STAGES.map(([, n]) => n).join(' | ')} |`, `|---|${STAGES.map(() => '---:').join('|')}|`);
  for (const c of CASES) lines.push(`| ${c} | ${STAGES.map(([k]) => f1(med(c, k))).join(' | ')} |`);
  lines.push('', 'Every run (load average 1/5/15 min at power-on):', '');
  lines.push(`| # | case | ${STAGES.map(([, n]) => n).join(' | ')} | load |`, `|---|---|${STAGES.map(() => '---:').join('|')}|---|`);
  for (const r of results)
    lines.push(`| ${r.run} | ${r.which}${r.ok ? '' : ' (FAILED)'} | ${STAGES.map(([k]) => f1(r.stages[k])).join(' | ')} | ${r.load} |`);
  return lines.join('\n');
}
