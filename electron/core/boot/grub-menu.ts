// The boot menu on the signed chain's GRUB (pure): the file a waiting host's config opens with
// `configfile` (grub/menu/<mac>.cfg), and a BootTarget as GRUB lines (the answer to a choice,
// grub/choose/<mac>/<entry>.cfg). The same entries as iPXE's (menu.ts), GRUB's way:
//   `timeout`/`default` pick the policy's entry when nobody chooses:
//     wait → "Wait for Bootbench": the wait loop (`sleep -v -i`, Esc opens the menu again; each poll
//            sources the host's poll config, which boots the installer once one is queued);
//     menu → "Check Bootbench again": the poll config, then the menu again (a click in the app boots).
//   an installer is a submenu: "No, back" first, "Yes, erase the disk and install" second;
//   memtest86+ is unsigned: under Secure Boot (GRUB's `lockdown` is `y`) the menu says so instead
//   of an entry the shim would refuse;
//   the shell is GRUB's own command line (its `c` key), not an entry.
// A choice sources the choice file from Bootbench, which records it and answers what boots it.
// Every title and every file name is one single-quoted word (grubWord): a label's `$`, `;`, `}`,
// quotes or line breaks are text.
import { assertNever } from '../../shared/assert-never.js';
import type { BootTarget } from './boot-target.js';
import { grubConfigPath, grubFile, grubWord, type GrubServer } from './grub-config.js';
import { menuEntries, type BootMenu, type MenuEntry } from './menu.js';
import { MENU_REREAD_SECONDS } from './ipxe-menu.js';

export interface GrubMenuInput {
  mac: string;
  menu: BootMenu;
  policy: 'wait' | 'menu';
  timeoutSeconds: number;
  pollSeconds: number;
  server: GrubServer;
  /** The loader set the host runs under now (its poll path). */
  loaderSet?: string;
  heading: string;
}

/** The menu file: grub/menu/<mac with dashes>.cfg. */
export function grubMenuPath(mac: string): string {
  return `/grub/menu/${mac.replace(/:/g, '-')}.cfg`;
}

/** A choice: grub/choose/<mac with dashes>/<entry id>.cfg. */
export function grubChoosePath(mac: string, entry: string): string {
  return `/grub/choose/${mac.replace(/:/g, '-')}/${entry}.cfg`;
}

/** The server's file as this GRUB reads it. */
export function grubServerFile(server: GrubServer, path: string): string {
  return server.via === 'tftp' ? `(tftp,${server.ip})${path}` : `(http,${server.ip}:${server.httpPort})${path}`;
}

export function renderGrubMenu(input: GrubMenuInput): string {
  const menuFile = grubWord(grubServerFile(input.server, grubMenuPath(input.mac)));
  const pollFile = grubWord(grubServerFile(input.server, grubConfigPath(input.mac, true, input.loaderSet)));
  const seconds = Math.max(1, Math.round(input.pollSeconds));
  const timeout =
    input.policy === 'menu' && input.timeoutSeconds <= 0 ? MENU_REREAD_SECONDS : Math.max(0, Math.round(input.timeoutSeconds));
  const lines = [
    `# Bootbench boot menu for ${input.mac} (${input.policy}); generated on each request.`,
    `set timeout=${timeout}`,
    `set default=${input.policy === 'wait' ? 'bb_wait' : 'bb_reread'}`,
  ];
  for (const section of input.menu.sections) {
    for (const e of section.entries) lines.push(...entryLines(input, e));
  }
  for (const note of input.menu.notes) lines.push(`menuentry ${grubWord(note)} { true; }`);
  if (input.policy === 'wait') {
    lines.push(
      `menuentry ${grubWord('Wait for Bootbench: a click on Install in the app boots this machine')} --id=bb_wait {`,
      `  echo ${grubWord(`Bootbench: waiting; checking again every ${seconds} s. Esc: the boot menu.`)}`,
      '  while true; do',
      // -i: Esc ends the sleep early (false): the menu again. -v: see grub-config.ts (TCG wake-ups).
      `    if ! sleep -v -i ${seconds}; then configfile ${menuFile}; fi`,
      `    source ${pollFile}`,
      '  done',
      '}',
    );
  } else {
    lines.push(`menuentry ${grubWord('Check Bootbench again')} --id=bb_reread {`, `  source ${pollFile}`, `  configfile ${menuFile}`, '}');
  }
  lines.push('');
  return lines.join('\n');
}

function entryLines(input: GrubMenuInput, e: MenuEntry): string[] {
  const choose = `source ${grubWord(grubServerFile(input.server, grubChoosePath(input.mac, e.id)))}`;
  const hotkey = e.key ? ` --hotkey=${e.key}` : '';
  const title = grubWord(e.key ? `(${e.key}) ${e.title}` : e.title);
  if (e.confirm) {
    return [
      `submenu ${title}${hotkey} --id=${e.id} {`,
      `  menuentry ${grubWord(e.confirm)} { true; }`,
      `  menuentry ${grubWord('(n) No, back to the menu')} --hotkey=n { true; }`,
      `  menuentry ${grubWord(`(y) Yes, erase the disk and ${e.title.replace(/^Install/, 'install')}`)} --hotkey=y { ${choose}; }`,
      '}',
    ];
  }
  if (e.kind === 'memtest') {
    return [
      'if [ "${lockdown}" = "y" ]; then',
      `  menuentry ${grubWord('Memory test: not available under Secure Boot (memtest86+ is not signed)')} { true; }`,
      'else',
      `  menuentry ${title}${hotkey} --id=${e.id} { ${choose}; }`,
      'fi',
    ];
  }
  if (e.kind === 'shell') return []; // GRUB's command line is its own `c` key
  return [`menuentry ${title}${hotkey} --id=${e.id} { ${choose}; }`];
}

/** A BootTarget as GRUB lines (a failed load says so and returns to whoever sourced them). */
export function grubTargetLines(target: BootTarget, server: GrubServer): string[] {
  switch (target.kind) {
    case 'kernel': {
      const b = target.boot;
      const names = new Set(b.initrds.map((i) => `initrd=${i.name}`));
      const args = b.args.filter((a) => !names.has(a)).map(grubWord);
      const linux = `linux ${[grubWord(grubFile(b.kernelUrl, server)), ...args].join(' ')}`;
      const initrds = b.initrds.map((i) => grubWord(grubFile(i.url, server)));
      return [
        `echo ${grubWord(`Bootbench: booting ${b.title}`)}`,
        `if ${linux}; then`,
        ...(initrds.length > 0 ? [`  if initrd ${initrds.join(' ')}; then boot; fi`] : ['  boot']),
        'fi',
        `echo ${grubWord(`Bootbench: ${b.title} could not be booted`)}`,
      ];
    }
    case 'efi':
      return [
        `echo ${grubWord(`Bootbench: booting ${target.title}`)}`,
        `if chainloader ${[grubFile(target.url, server), ...target.args].map(grubWord).join(' ')}; then boot; fi`,
        `echo ${grubWord(`Bootbench: ${target.title} could not be started (under Secure Boot only signed programs run)`)}`,
      ];
    case 'sanboot':
      return [`echo ${grubWord(`Bootbench: ${target.title} is a whole-ISO boot, which GRUB cannot do: use the iPXE chain`)}`, 'sleep 5'];
    case 'local':
      return ["echo 'Bootbench: booting from the local disk'", 'exit 1'];
    case 'reboot':
      return ["echo 'Bootbench: rebooting'", 'reboot'];
    case 'shell':
      return ["echo 'Bootbench: GRUB command line: press c at the menu'", 'sleep 3'];
    default:
      return assertNever(target, 'boot target');
  }
}

/** Every entry a GRUB menu offers as a choice (the shell is GRUB's own key). */
export function grubEntries(menu: BootMenu): MenuEntry[] {
  return menuEntries(menu).filter((e) => e.kind !== 'shell');
}
