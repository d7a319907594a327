// The boot menu and its wait loop in iPXE's syntax (pure), and a BootTarget as iPXE lines.
//
//   :bb_menu   `menu` / `item` / `choose --timeout`: the entries of menu.ts, each with its key; an
//              installer goes through a yes/no menu first (it erases the disk). A choice is sent
//              to Bootbench (`chain …/ipxe/<mac>/choose/<entry>`), which records it and answers the
//              script that boots it. The timeout goes to the policy's default:
//                wait → :bb_poll, the wait loop (today's behaviour: a click in the app boots the host);
//                menu → a fresh copy of the script (the state re-read), which shows the menu again.
//   :bb_poll   `prompt --key m --timeout`: waits like `sleep`, and m opens the menu; then fetches the
//              host's script again with `chain --replace` (the poll), which starts at :bb_poll.
//
// Labels are data (distro names, ISO volume names): written through ipxeLabel (ipxe-lines.ts). Entry
// ids come from menu.ts's safe alphabet.
import type { WaitPolicy } from '../../shared/contract.js';
import { ipxeLabel } from './ipxe-lines.js';
import { menuEntries, type BootMenu } from './menu.js';

export interface IpxeMenuInput {
  menu: BootMenu;
  /** The policy while the host waits (local is rendered by the caller: no menu). */
  policy: Exclude<WaitPolicy, 'local'>;
  /** Seconds before the menu's default; 0 with `wait`: no menu unless m is pressed. */
  timeoutSeconds: number;
  /** Seconds between two polls of the wait loop. */
  pollSeconds: number;
  /** This fetch is a poll (the wait loop's): start in the loop, not at the menu (policy `wait`). */
  poll: boolean;
  /** The script's own URL for a poll (…/ipxe/<mac>.ipxe?poll=1). */
  pollUrl: string;
  /** The choice URL without the entry (…/ipxe/<mac>/choose/). */
  chooseUrl: string;
  /** Words above the menu (the host's MAC and name). */
  heading: string;
}

/** Seconds a `menu` policy's menu stays up before the state is re-read, when no timeout is set. */
export const MENU_REREAD_SECONDS = 30;

/** The menu, the confirmations and the wait loop: lines to append after the script's head. */
export function ipxeMenuLines(input: IpxeMenuInput): string[] {
  const entries = menuEntries(input.menu);
  const seconds = Math.max(1, Math.round(input.pollSeconds));
  const timeout =
    input.policy === 'menu' && input.timeoutSeconds <= 0 ? MENU_REREAD_SECONDS : Math.max(0, Math.round(input.timeoutSeconds));
  const startAtMenu = input.policy === 'menu' || (!input.poll && timeout > 0);
  const lines: string[] = [startAtMenu ? 'goto bb_menu' : 'goto bb_poll', ':bb_menu', `menu ${ipxeLabel(input.heading) || 'Bootbench'}`];
  for (const section of input.menu.sections) {
    lines.push(`item --gap ${ipxeLabel(section.title)}`);
    for (const e of section.entries) {
      const key = e.key ? `--key ${e.key} ` : '';
      lines.push(`item ${key}${e.id} ${e.key ? `(${e.key}) ` : ''}${ipxeLabel(e.title)}`);
    }
  }
  for (const note of input.menu.notes) lines.push(`item --gap ${ipxeLabel(note)}`);
  lines.push('item --gap');
  if (input.policy === 'wait') {
    lines.push('item --key w bb_wait (w) Wait for Bootbench: a click on Install in the app boots this machine');
    lines.push(`choose --timeout ${timeout * 1000} --default bb_wait bb_choice || goto bb_poll`);
    lines.push('iseq ${bb_choice} bb_wait && goto bb_poll ||');
  } else {
    lines.push('item --key w bb_reread (w) Check Bootbench again');
    // On timeout (or Esc) the state is read again: a click in the app boots the host.
    lines.push(`choose --timeout ${timeout * 1000} --default bb_reread bb_choice || goto bb_reread`);
    lines.push('iseq ${bb_choice} bb_reread && goto bb_reread ||');
  }
  const confirmed = entries.filter((e) => e.confirm);
  confirmed.forEach((e, i) => lines.push(`iseq \${bb_choice} ${e.id} && goto bb_confirm${i} ||`));
  lines.push('goto bb_chosen');
  confirmed.forEach((e, i) =>
    lines.push(
      `:bb_confirm${i}`,
      `menu ${ipxeLabel(e.confirm ?? '')}`,
      'item --key n bb_no (n) No, back to the menu',
      `item --key y bb_yes (y) Yes, erase the disk and ${ipxeLabel(e.title.replace(/^Install/, 'install'))}`,
      'choose --default bb_no bb_answer || goto bb_menu',
      'iseq ${bb_answer} bb_yes || goto bb_menu',
      'goto bb_chosen',
    ),
  );
  lines.push(
    ':bb_chosen',
    'echo Bootbench: ${bb_choice} chosen',
    // The answer boots the choice (or, for an install, the host's script now that it is queued).
    `chain --replace --autofree ${input.chooseUrl}\${bb_choice} || goto bb_menu`,
  );
  if (input.policy === 'menu') {
    lines.push(':bb_reread', `chain --replace --autofree ${input.pollUrl} || goto bb_menu`, ':bb_poll', 'goto bb_reread');
  } else {
    lines.push(
      ':bb_reread',
      ':bb_poll',
      // Waits like `sleep`, and m opens the menu; on a failed fetch (server restarting) poll again.
      `prompt --key m --timeout ${seconds * 1000} && goto bb_menu ||`,
      `chain --replace --autofree ${input.pollUrl} || goto bb_poll`,
    );
  }
  lines.push('');
  return lines;
}
