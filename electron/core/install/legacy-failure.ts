// Installs stored before failures had codes (installs.json written by an older Bootbench): the
// reason was only words, in `lastStep`. This is the one place that reads those words, once, at load;
// everything else compares `failure.code`.
import type { InstallFailure, InstallFailureCode } from '../../shared/contract.js';
import type { InstallRun } from './state-machine.js';

/** The failure an old failure text describes (the texts older versions wrote, see state-machine.ts). */
export function failureFromLegacyText(text: string): InstallFailure {
  return { code: legacyCode(text), message: text };
}

function legacyCode(text: string): InstallFailureCode {
  if (text === 'cancelled') return 'cancelled';
  if (text.startsWith('timed out: queued ')) return 'timeout-queued';
  if (text.startsWith('timed out: kernel fetched ')) return 'timeout-booting';
  if (text.startsWith('timed out: no sign of the installer ')) return 'timeout-installing';
  if (text.startsWith('timed out: installing for ')) return 'timeout-install-total';
  if (/^the host started the installer \d+ times /.test(text)) return 'boot-loop';
  // Older versions reported these two as if the installer had: tell them apart by their words.
  if (/^the installer reported a failure: distro \S+ is no longer imported$/.test(text)) return 'distro-removed';
  if (text.startsWith('the installer reported a failure')) return 'installer-error';
  return 'unknown';
}

/** A stored run in today's shape: `failure` added (from the old text when it failed). Whether it changed. */
export function migrateRun(stored: InstallRun): { run: InstallRun; migrated: boolean } {
  if (stored.failure !== undefined) return { run: stored, migrated: false };
  const failure = stored.stage === 'failed' ? failureFromLegacyText(stored.lastStep ?? 'failed') : null;
  return { run: { ...stored, failure }, migrated: true };
}
