// Kickstart structure: sections are known and closed by %end, commands outside sections are
// known to pykickstart, and quotes balance (pykickstart splits each command line with shlex).
// The command list is the union of pykickstart's RHEL 8, RHEL 10 and Fedora 43 handlers
// (pykickstart/handlers/{rhel8,rhel10,f43}.py, commandMap), so a template for any current
// RHEL-family release passes.
import type { ValidationProblem } from '../../../shared/contract.js';

export const KICKSTART_COMMANDS: ReadonlySet<string> = new Set([
  'auth',
  'authconfig',
  'authselect',
  'autopart',
  'autostep',
  'bootc',
  'bootloader',
  'btrfs',
  'cdrom',
  'clearpart',
  'cmdline',
  'device',
  'deviceprobe',
  'dmraid',
  'driverdisk',
  'eula',
  'fcoe',
  'firewall',
  'firstboot',
  'graphical',
  'group',
  'halt',
  'harddrive',
  'hmc',
  'ignoredisk',
  'install',
  'iscsi',
  'iscsiname',
  'keyboard',
  'lang',
  'liveimg',
  'logging',
  'logvol',
  'mediacheck',
  'method',
  'module',
  'mount',
  'multipath',
  'network',
  'nfs',
  'nvdimm',
  'ostreecontainer',
  'ostreesetup',
  'part',
  'partition',
  'poweroff',
  'raid',
  'realm',
  'reboot',
  'repo',
  'reqpart',
  'rescue',
  'rootpw',
  'selinux',
  'services',
  'shutdown',
  'skipx',
  'snapshot',
  'sshkey',
  'sshpw',
  'text',
  'timesource',
  'timezone',
  'updates',
  'url',
  'user',
  'vnc',
  'volgroup',
  'xconfig',
  'zerombr',
  'zfcp',
  'zipl',
]);

/** Sections: each opened by its header and closed by %end. */
export const KICKSTART_SECTIONS: ReadonlySet<string> = new Set([
  '%packages',
  '%pre',
  '%pre-install',
  '%post',
  '%onerror',
  '%traceback',
  '%addon',
  '%anaconda',
]);
/** One-line directives (no %end). */
const DIRECTIVES = new Set(['%include', '%ksappend']);

/** null when the line splits (POSIX shell quoting, as shlex in posix mode), else the problem. */
function quoteProblem(line: string): string | null {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (quote === '"') {
      if (c === '\\') i += 1;
      else if (c === '"') quote = null;
    } else if (c === '\\') i += 1;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) break;
    else if (c === "'" || c === '"') quote = c;
  }
  return quote ? `no closing quotation (${quote})` : null;
}

export function validateKickstart(text: string): { ok: boolean; problems: ValidationProblem[] } {
  const problems: ValidationProblem[] = [];
  let open: { name: string; line: number } | null = null;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/\r$/, '').trim();
    if (open) {
      if (/^%end(\s|$)/.test(line)) open = null;
      else if (/^%[a-z-]+/.test(line) && KICKSTART_SECTIONS.has(line.split(/\s+/)[0] ?? '')) {
        problems.push({
          line: lineNo,
          message: `${line.split(/\s+/)[0]} starts before the ${open.name} of line ${open.line} is closed with %end`,
        });
      }
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    const word = line.split(/\s+/)[0] ?? '';
    if (word.startsWith('%')) {
      if (word === '%end') problems.push({ line: lineNo, message: '%end without an open section' });
      else if (KICKSTART_SECTIONS.has(word)) {
        open = { name: word, line: lineNo };
        if (word === '%addon' && line.split(/\s+/).length < 2)
          problems.push({ line: lineNo, message: "%addon needs the add-on's name, e.g. %addon com_redhat_kdump" });
      } else if (DIRECTIVES.has(word)) {
        if (line.split(/\s+/).length < 2) problems.push({ line: lineNo, message: `${word} needs a file or URL` });
      } else {
        problems.push({
          line: lineNo,
          message: `unknown section ${word} (sections: ${[...KICKSTART_SECTIONS].join(', ')}; directives: %include, %ksappend)`,
        });
      }
      return;
    }
    if (!KICKSTART_COMMANDS.has(word)) {
      problems.push({ line: lineNo, message: `unknown kickstart command "${word}"` });
      return;
    }
    const q = quoteProblem(line);
    if (q) problems.push({ line: lineNo, message: `${word}: ${q}` });
  });
  const stillOpen = open as { name: string; line: number } | null;
  if (stillOpen) problems.push({ line: stillOpen.line, message: `${stillOpen.name} is never closed with %end` });
  return { ok: problems.length === 0, problems };
}
