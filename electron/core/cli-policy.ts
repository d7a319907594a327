// The boot-policy verbs: `bootbench policy` (what new machines do, the boot menu's timeout),
// `bootbench hosts set MAC` (a host's kernel arguments and wait policy) and `bootbench distros set
// ID` (a distro's kernel arguments); and `--new-hosts`'s spelling, which `serve` takes too.
import {
  formatNewHostPolicy,
  kernelArgsProblem,
  normalizeMac,
  parseNewHostPolicy,
  WAIT_POLICIES,
  type BootPolicyUpdate,
  type Host,
  type NewHostPolicy,
  type ServerStatus,
  type WaitPolicy,
} from '../shared/contract.js';
import type { ControlClient } from './control/client.js';
import { BootbenchError } from './errors.js';

type Values = Record<string, string | boolean | string[] | undefined>;

const DISTRO_ID = /^[a-z0-9][a-z0-9._-]{0,199}$/;
const MAX_MENU_TIMEOUT = 3600;

function fail(message: string): never {
  throw new BootbenchError('BAD_ARGUMENT', { message });
}

/** `--new-hosts wait|menu|local|install:DISTRO_ID`. */
export function parseNewHostsFlag(text: string): NewHostPolicy {
  const policy = parseNewHostPolicy(text);
  if (!policy || (policy.distro !== null && !DISTRO_ID.test(policy.distro)))
    fail(`--new-hosts must be wait, menu, local or install:DISTRO_ID (an id \`bootbench distros\` lists), not "${text}".`);
  return policy;
}

function parseMenuTimeout(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n > MAX_MENU_TIMEOUT)
    fail(`--menu-timeout takes whole seconds from 0 to ${MAX_MENU_TIMEOUT}, not "${text}".`);
  return n;
}

function parseKernelArgs(text: string, flag: string): string {
  const problem = kernelArgsProblem(text);
  if (problem) fail(`${flag}: ${problem}.`);
  return text;
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

function describePolicy(status: ServerStatus): string {
  return `New machines: ${formatNewHostPolicy(status.newHosts)}\nBoot menu timeout: ${status.menu.timeoutSeconds} s`;
}

/** `bootbench policy [--new-hosts P] [--menu-timeout S]`: with neither, the policy in force. */
export async function runPolicy(client: ControlClient, positionals: string[], values: Values, json: boolean): Promise<number> {
  if (positionals.length > 0)
    fail('policy takes no arguments: bootbench policy [--new-hosts wait|menu|local|install:DISTRO_ID] [--menu-timeout S]');
  const change: BootPolicyUpdate = {};
  if (values['new-hosts'] !== undefined) change.newHosts = parseNewHostsFlag(values['new-hosts'] as string);
  if (values['menu-timeout'] !== undefined) change.menu = { timeoutSeconds: parseMenuTimeout(values['menu-timeout'] as string) };
  const status =
    change.newHosts || change.menu ? await client.call('PUT /api/boot/policy', { body: change }) : await client.call('GET /api/status');
  print(json, { newHosts: status.newHosts, menu: status.menu }, describePolicy(status));
  return 0;
}

/** `bootbench hosts set MAC [--kernel-args ARGS] [--wait-policy wait|menu|local|default]`. */
export async function runHostsSet(client: ControlClient, positionals: string[], values: Values, json: boolean): Promise<number> {
  const usage = 'bootbench hosts set MAC [--kernel-args "ARGS"] [--wait-policy wait|menu|local|default]';
  const [macText, ...extra] = positionals;
  if (!macText || extra.length > 0) fail(`hosts set takes one MAC address: ${usage}`);
  const mac = normalizeMac(macText);
  if (!mac) fail(`"${macText}" is not a MAC address (like 52:54:00:12:34:56).`);
  const argsText = values['kernel-args'] as string | undefined;
  const policyText = values['wait-policy'] as string | undefined;
  if (argsText === undefined && policyText === undefined) fail(`hosts set needs --kernel-args or --wait-policy: ${usage}`);
  let policy: WaitPolicy | null | undefined;
  if (policyText !== undefined) {
    if (policyText !== 'default' && !(WAIT_POLICIES as readonly string[]).includes(policyText))
      fail(`--wait-policy must be wait, menu, local or default (follow the global policy), not "${policyText}".`);
    policy = policyText === 'default' ? null : (policyText as WaitPolicy);
  }
  // Both checked before either is sent: a bad one changes nothing.
  const kernelArgs = argsText === undefined ? undefined : parseKernelArgs(argsText, '--kernel-args');
  let host: Host | undefined;
  if (kernelArgs !== undefined)
    host = await client.call('PUT /api/hosts/:mac/kernel-args', {
      params: { mac },
      body: { kernelArgs: kernelArgs.trim() === '' ? null : kernelArgs },
    });
  if (policy !== undefined) host = await client.call('PUT /api/hosts/:mac/wait-policy', { params: { mac }, body: { policy } });
  if (!host) return 0;
  print(json, host, describeHost(host));
  return 0;
}

function describeHost(host: Host): string {
  const args = host.kernelArgs ? `kernel arguments "${host.kernelArgs}"` : 'no kernel arguments of its own';
  const policy = host.waitPolicy ? `waits with ${host.waitPolicy} (its own)` : 'waits as the global policy says';
  return `${host.mac}: ${args}; ${policy}`;
}

/** `bootbench distros set ID --kernel-args "ARGS"`. */
export async function runDistrosSet(client: ControlClient, positionals: string[], values: Values, json: boolean): Promise<number> {
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0 || !DISTRO_ID.test(id))
    fail('distros set takes one distro id: bootbench distros set ID --kernel-args "ARGS"');
  const argsText = values['kernel-args'] as string | undefined;
  if (argsText === undefined) fail('distros set needs --kernel-args "ARGS" ("" removes them).');
  const distro = await client.call('PUT /api/distros/:id', {
    params: { id },
    body: { kernelArgs: parseKernelArgs(argsText, '--kernel-args') },
  });
  print(json, distro, `${distro.id}: ${distro.kernelArgs ? `kernel arguments "${distro.kernelArgs}"` : 'no extra kernel arguments'}`);
  return 0;
}
