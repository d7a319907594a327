// Kernel arguments as the forms handle them, pure (tested in test/ui/boot-logic.test.ts). The server
// decides what it accepts (one line; double quotes in pairs for a distro); the form shows its
// refusal at the input, whether the API named the field (a host's, checked by its schema) or only
// said it in words (a distro's, checked by the ISO library).
import { ApiError } from '../../api/client.js';

/** What is sent: the text trimmed; for a host, '' removes its own arguments (null). */
export function kernelArgsOf(text: string): string {
  return text.trim();
}

export function isKernelArgsDirty(saved: string | null | undefined, text: string): boolean {
  return (saved ?? '') !== kernelArgsOf(text);
}

/** The words to show at the kernel-arguments input for a refusal; null when it is about something else. */
export function kernelArgsErrorOf(e: unknown): string | null {
  if (!(e instanceof ApiError)) return null;
  if (e.field?.name === 'kernelArgs') return e.field.detail;
  if (e.field) return null;
  if (/kernel.?arg/i.test(e.message)) return e.message.replace(/^body\.kernelArgs: /, '');
  return null;
}
