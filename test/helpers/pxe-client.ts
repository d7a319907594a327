// A scripted network-boot client that behaves like firmware + iPXE + an installer, over the real
// protocols, from its own lab namespace: DHCP (the scripted DHCP client), TFTP (curl), HTTP (curl),
// syslog (util-linux logger). It follows what Bootbench's iPXE scripts say, as iPXE would: the
// wait loop's poll URL, the installer's kernel/initrd lines, the answer-file and log URLs on the
// kernel command line, and the report URL the answer file calls last.
import { runScriptedClient } from './clients.js';
import type { Lab, LabHost, RunResult } from './netns.js';

export interface PxeClientOptions {
  lab: Lab;
  host: LabHost;
  serverIp: string;
  /** 'bios' (PXE ROM → undionly.kpxe) or 'uefi' (→ snponly.efi). */
  firmware?: 'bios' | 'uefi';
  prefix?: number;
}

/** What an iPXE script tells the client to do. */
export type ScriptAction =
  | { kind: 'wait'; pollUrl: string; seconds: number }
  | { kind: 'install'; kernelUrl: string; initrdUrls: string[]; args: string[] }
  | { kind: 'local'; text: string }
  | { kind: 'unknown'; text: string };

export function parseIpxeScript(text: string): ScriptAction {
  if (!text.startsWith('#!ipxe')) return { kind: 'unknown', text };
  const kernel = /^kernel (\S+)(.*)$/m.exec(text);
  if (kernel?.[1]) {
    const initrdUrls = [...text.matchAll(/^initrd (?:--name \S+ )?(\S+)/gm)].map((m) => m[1] as string);
    const args = (kernel[2] ?? '').match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
    return { kind: 'install', kernelUrl: kernel[1], initrdUrls, args };
  }
  if (/^sanboot |^exit( 1)?$/m.test(text) && !/^chain /m.test(text)) return { kind: 'local', text };
  const chain = /^chain --replace --autofree (\S+) \|\| goto bb_poll$/m.exec(text);
  const sleep = /^sleep (\d+)$/m.exec(text);
  if (chain?.[1]) return { kind: 'wait', pollUrl: chain[1], seconds: Number(sleep?.[1] ?? 5) };
  return { kind: 'unknown', text };
}

export class PxeClient {
  ip: string | null = null;
  /** Every step, for a failing test to print. */
  readonly trace: string[] = [];

  constructor(private readonly o: PxeClientOptions) {}

  get mac(): string {
    return this.o.host.mac;
  }

  private note(line: string): void {
    this.trace.push(`${new Date().toISOString()} ${line}`);
  }

  private async exec(cmd: string, args: string[], timeoutMs = 60_000): Promise<RunResult> {
    return this.o.lab.exec(this.o.host.ns, cmd, args, { timeoutMs });
  }

  /** An HTTP GET with curl from the client namespace; the body and the status. */
  async get(url: string, options: { discard?: boolean } = {}): Promise<{ status: number; body: string }> {
    const r = await this.exec(
      'curl',
      ['-sS', '--max-time', '60', '-o', options.discard ? '/dev/null' : '-', '-w', '\n%{http_code}', url],
      90_000,
    );
    if (r.code !== 0) throw new Error(`curl ${url} failed (${r.code}): ${r.stderr}`);
    const cut = r.stdout.lastIndexOf('\n');
    const status = Number(r.stdout.slice(cut + 1));
    this.note(`GET ${url} → ${status}`);
    return { status, body: r.stdout.slice(0, cut) };
  }

  /**
   * Power on: DHCP as the firmware's PXE ROM (DISCOVER/OFFER/REQUEST/ACK), the first-stage loader
   * by TFTP, then DHCP again as iPXE (user class iPXE), which gets the URL of its script.
   */
  async powerOn(): Promise<string> {
    const uefi = this.o.firmware === 'uefi';
    const rom = await runScriptedClient(this.o.lab, this.o.host.ns, {
      mac: this.mac,
      flow: 'dora',
      vendorClass: uefi ? 'PXEClient:Arch:00007:UNDI:003000' : 'PXEClient:Arch:00000:UNDI:002001',
      clientArch: uefi ? 7 : 0,
      timeoutMs: 20_000,
    });
    const ack = rom.replies.find((r) => r.type === 5);
    if (!ack) throw new Error(`no DHCPACK for the PXE ROM: ${JSON.stringify(rom.replies)}`);
    this.ip = ack.yiaddr;
    this.note(`DHCP (ROM) → ${ack.yiaddr}, boot file ${ack.file}`);
    await this.exec('ip', ['addr', 'replace', `${ack.yiaddr}/${this.o.prefix ?? 24}`, 'dev', 'eth0']);
    const loader = ack.file;
    const tftp = await this.exec(
      'curl',
      ['-sS', '--max-time', '60', '-o', '/dev/null', '-w', '%{size_download}', `tftp://${this.o.serverIp}/${loader}`],
      90_000,
    );
    if (tftp.code !== 0) throw new Error(`TFTP ${loader} failed: ${tftp.stderr}`);
    this.note(`TFTP ${loader} → ${tftp.stdout} bytes`);
    const ipxe = await runScriptedClient(this.o.lab, this.o.host.ns, {
      mac: this.mac,
      flow: 'dora',
      vendorClass: uefi ? 'PXEClient:Arch:00007:UNDI:003010' : 'PXEClient:Arch:00000:UNDI:002001',
      clientArch: uefi ? 7 : 0,
      userClass: 'iPXE',
      timeoutMs: 20_000,
    });
    const ack2 = ipxe.replies.find((r) => r.type === 5);
    if (!ack2) throw new Error(`no DHCPACK for iPXE: ${JSON.stringify(ipxe.replies)}`);
    this.note(`DHCP (iPXE) → ${ack2.yiaddr}, script ${ack2.file}`);
    if (!/^http:\/\//.test(ack2.file)) throw new Error(`iPXE was not given an HTTP script URL: ${ack2.file}`);
    return ack2.file;
  }

  /** One more DHCP exchange as the PXE ROM (DISCOVER/OFFER/REQUEST/ACK); whether it was acknowledged. */
  async dhcp(): Promise<boolean> {
    const uefi = this.o.firmware === 'uefi';
    const r = await runScriptedClient(this.o.lab, this.o.host.ns, {
      mac: this.mac,
      flow: 'dora',
      vendorClass: uefi ? 'PXEClient:Arch:00007:UNDI:003000' : 'PXEClient:Arch:00000:UNDI:002001',
      clientArch: uefi ? 7 : 0,
      timeoutMs: 20_000,
    });
    this.note(`DHCP (again) → ${r.replies.map((m) => m.type).join(',')}`);
    return r.replies.some((m) => m.type === 5);
  }

  /** Fetches a script and says what it wants. */
  async script(url: string): Promise<ScriptAction> {
    const { status, body } = await this.get(url);
    if (status !== 200) throw new Error(`script ${url}: HTTP ${status}`);
    const action = parseIpxeScript(body);
    this.note(`script → ${action.kind}`);
    return action;
  }

  /** Polls as the wait loop does until the script is something else (or the deadline passes). */
  async pollUntilNotWaiting(first: ScriptAction, deadlineMs: number): Promise<ScriptAction> {
    let action = first;
    const end = Date.now() + deadlineMs;
    while (action.kind === 'wait') {
      if (Date.now() > end) throw new Error(`still waiting after ${deadlineMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
      action = await this.script(action.pollUrl);
    }
    return action;
  }

  /** The installer's kernel and initrds, fetched as iPXE does. */
  async fetchInstaller(action: Extract<ScriptAction, { kind: 'install' }>): Promise<void> {
    for (const url of [action.kernelUrl, ...action.initrdUrls]) {
      const r = await this.get(url, { discard: true });
      if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
    }
  }

  /** Sends syslog lines to Bootbench the way an installer's syslog forwarding does (UDP, RFC 3164). */
  async syslog(lines: string[], tag = 'anaconda'): Promise<void> {
    for (const line of lines) {
      const r = await this.exec('logger', ['--server', this.o.serverIp, '--port', '514', '--udp', '--rfc3164', '-t', tag, line]);
      if (r.code !== 0) throw new Error(`logger failed: ${r.stderr}`);
    }
    this.note(`syslog ×${lines.length}`);
  }
}

/** The value of `key=` on a kernel command line. */
export function kernelArg(args: string[], key: string): string | null {
  const hit = args.find((a) => a.startsWith(`${key}=`));
  return hit ? hit.slice(key.length + 1) : null;
}

/** The report URL an answer file calls (…/install/<token>/report), as the installer would find it. */
export function reportUrlIn(answer: string): string | null {
  return /(https?:\/\/[^\s"'?]+\/install\/[A-Za-z0-9_-]+\/report)/.exec(answer)?.[1] ?? null;
}
