// Where a Bootbench CPU profile spends its time (for BENCH_CPU_PROF=1 runs):
//   node --import tsx bench/dhcp/profile-top.ts bench/dhcp/work/latest/profiles/<file>.cpuprofile [top=25]
// Prints self time per function (name, file:line) and the share of idle / GC / program time.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [path, topText] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: profile-top.ts FILE.cpuprofile [top]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const node = byId.get(id);
  if (!node) return;
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\/.*?\/(dist|node_modules|electron)\//, '$1/');
  const key = `${functionName || '(anonymous)'}  ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
  selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
});
const rows = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topText ?? 25));
process.stdout.write(`total ${(total / 1e6).toFixed(2)} s sampled\n`);
for (const [key, us] of rows)
  process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}\n`);
