// The per-host iPXE script, rendered on each request from the host's state (ARCHITECTURE.md ★ Host
// states, Boot flow step 2). Pure: text in, text out; the HTTP route serves it.
//
//   discovered / failed / unknown MAC → wait: a banner, then poll Bootbench every few seconds with
//                                      `chain --replace`, so that a click on Install boots the host
//                                      without a reboot;
//   queued / booting / installing     → boot the installer (what the install manager says to boot:
//                                      kernel and initrds over HTTP, the command line with the family's
//                                      arguments and the answer-file URL);
//   installed                         → boot the local disk (until it is queued again).
//
// With a boot menu (menu.ts, handed in by the routes) a waiting host gets the menu and its wait
// loop (ipxe-menu.ts), or the local disk under the `local` wait policy; a target chosen for it
// (at the machine, or "boot this next" in the app) is booted at once (renderIpxeTargetScript).
import type { Host, WaitPolicy } from '../../shared/contract.js';
import { assertNever } from '../../shared/assert-never.js';
import type { BootTarget } from './boot-target.js';
import type { InstallerBoot } from './installer-boot.js';
import { ipxeMenuLines } from './ipxe-menu.js';
import type { BootMenu } from './menu.js';
import { ipxeChoosePath, ipxeScriptPath } from './urls.js';
import { ipxeTargetLines, localBootLines } from './ipxe-lines.js';

export { localBootLines };

export interface IpxeScriptInput {
  /** Lower-case, colon-separated: the MAC in the requested script path. */
  mac: string;
  /** The registry's record, or undefined for a MAC Bootbench has not seen over DHCP. */
  host: Host | undefined;
  /** http://SERVER[:PORT], no trailing slash. */
  serverBase: string;
  /** Seconds between two polls of the wait loop. */
  pollSeconds: number;
  /** This fetch is the wait loop's poll, not the first fetch after DHCP: no banner, no BIOS chain. */
  poll?: boolean;
  /**
   * URL of undionly.kpxe (tftp://SERVER/undionly.kpxe), or null/undefined for none. When set, an
   * iPXE running on a BIOS machine from a NIC ROM (QEMU's ROM *is* iPXE, `${net0/chip}` is the NIC
   * driver's name) chains undionly.kpxe once, as a vendor BIOS PXE ROM would have fetched it
   * itself from DHCP; the chained iPXE (chip `undionly`) asks DHCP again and gets this script
   * again. Real BIOS hardware with a vendor ROM already runs undionly, so the step never fires
   * there: it exists so that the QEMU lab exercises the TFTP path of real hardware (the reference
   * lab's PXELAB_BIOS_CHAIN). Costs one TFTP transfer and one iPXE start (~13 s without IPv6 RAs).
   */
  biosChainUrl?: string | null;
  /** What boots the installer, for a host with an install under way; null: wait. */
  installer?: InstallerBoot | null;
  /** The boot menu of a waiting host, and its policy; absent: the plain wait loop (no menu). */
  menu?: { menu: BootMenu; policy: WaitPolicy; timeoutSeconds: number } | null;
}

/** The script text (starts with `#!ipxe`). */
export function renderIpxeScript(input: IpxeScriptInput): string {
  const state = input.host?.state ?? 'unknown';
  switch (state) {
    case 'unknown':
    case 'discovered':
    case 'failed':
      return waitScript(input, state);
    case 'queued':
    case 'booting':
    case 'installing':
      // Without an installer (the install could not be prepared, or the asker is not the host) it waits.
      return input.installer ? installScript(input, state, input.installer) : waitScript(input, state);
    case 'installed':
      return [
        '#!ipxe',
        `# Bootbench script for ${input.mac} (state: installed): boot the local disk.`,
        'echo Bootbench: installed, booting from the local disk',
        ...localBootLines(input.host?.firmware),
        '',
      ].join('\n');
    default:
      return assertNever(state, 'host state');
  }
}

/** The script that boots a chosen target (a menu choice, "boot this next"); a failure says so and polls. */
export function renderIpxeTargetScript(input: Pick<IpxeScriptInput, 'mac' | 'host' | 'serverBase'>, target: BootTarget): string {
  return [
    '#!ipxe',
    `# Bootbench script for ${input.mac}: boot what was chosen (${target.kind}).`,
    ...ipxeTargetLines(target, input.host?.firmware, 'bb_failed'),
    ':bb_failed',
    'echo Bootbench: that could not be booted (see the host timeline); back to Bootbench in 10 s',
    'sleep 10',
    `chain --replace --autofree ${input.serverBase}${ipxeScriptPath(input.mac)}?poll=1 || goto bb_failed`,
    '',
  ].join('\n');
}

function waitScript(input: IpxeScriptInput, state: string): string {
  const self = `${input.serverBase}${ipxeScriptPath(input.mac)}?poll=1`;
  const seconds = Math.max(1, Math.round(input.pollSeconds));
  const lines = ['#!ipxe', `# Bootbench script for ${input.mac} (state: ${state}); generated on each request.`];
  if (input.menu?.policy === 'local') {
    lines.push('echo Bootbench: this machine is set to boot its local disk while it waits', ...localBootLines(input.host?.firmware), '');
    return lines.join('\n');
  }
  if (input.menu) {
    const menu = { ...input.menu, policy: input.menu.policy === 'menu' ? ('menu' as const) : ('wait' as const) };
    if (!input.poll) {
      const hint = menu.policy === 'wait' ? ' Press m for the boot menu.' : '';
      lines.push('echo', 'echo Bootbench  mac ${net0/mac}  ip ${net0/ip}', ...biosChainLines(input));
      lines.push(`echo Waiting for Bootbench: click Install in the app, or choose at this machine.${hint}`);
    }
    const name = input.host?.label ?? input.host?.hostname ?? null;
    lines.push(
      ...ipxeMenuLines({
        menu: menu.menu,
        policy: menu.policy,
        timeoutSeconds: menu.timeoutSeconds,
        pollSeconds: seconds,
        poll: input.poll ?? false,
        pollUrl: self,
        chooseUrl: `${input.serverBase}${ipxeChoosePath(input.mac, '')}`,
        heading: `Bootbench: ${input.mac}${name ? ` ${name}` : ''}`,
      }),
    );
    return lines.join('\n');
  }
  if (!input.poll) {
    lines.push(
      'echo',
      'echo Bootbench  mac ${net0/mac}  ip ${net0/ip}',
      ...biosChainLines(input),
      'echo Waiting for Bootbench: click Install in the app. Checking again every ' + `${seconds} s.`,
    );
  }
  lines.push(
    ':bb_poll',
    `sleep ${seconds}`,
    // --replace: the fetched script takes this one's place (no nesting however long the host
    // waits); --autofree: it is freed once run. On failure (server restarting) poll again.
    `chain --replace --autofree ${self} || goto bb_poll`,
    '',
  );
  return lines.join('\n');
}

function installScript(input: IpxeScriptInput, state: string, installer: InstallerBoot): string {
  const lines = ['#!ipxe', `# Bootbench script for ${input.mac} (state: ${state}); generated on each request.`];
  if (!input.poll) lines.push(...biosChainLines(input));
  lines.push(
    `echo Bootbench: ${ipxeText(installer.title)} on \${net0/mac}`,
    // iPXE has no quoting of its own: the rest of the line goes to the kernel verbatim, so the
    // arguments are joined as the kernel reads them (install/recipes.ts quoted them for it).
    `kernel ${installer.kernelUrl} ${installer.args.join(' ')}`.trimEnd() + ' || goto bb_failed',
    ...installer.initrds.map((i) => `initrd --name ${i.name} ${i.url} || goto bb_failed`),
    'boot || goto bb_failed',
    // A failed download or boot must not leave the host at an iPXE prompt: say so, and poll.
    ':bb_failed',
    'echo Bootbench: the installer could not be booted (see the host timeline); trying again in 10 s',
    'sleep 10',
    `chain --replace --autofree ${input.serverBase}${ipxeScriptPath(input.mac)}?poll=1 || goto bb_failed`,
    '',
  );
  return lines.join('\n');
}

function biosChainLines(input: IpxeScriptInput): string[] {
  // UEFI hosts never take this step: skip the lines rather than test ${platform} at run time.
  if (!input.biosChainUrl || input.host?.firmware === 'uefi' || input.host?.firmware === 'uefi-http') return [];
  return [
    'iseq ${platform} pcbios || goto bb_wait',
    'iseq ${net0/chip} undionly && goto bb_wait ||',
    `echo Bootbench: BIOS NIC ROM is iPXE (chip \${net0/chip}): chaining ${input.biosChainUrl} as a vendor PXE ROM would`,
    `chain ${input.biosChainUrl} || goto bb_wait`,
    ':bb_wait',
  ];
}

/** Text for an `echo`: iPXE would expand `${…}` in it, and a line break would end the command. */
function ipxeText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\$\{/g, '$ {');
}
