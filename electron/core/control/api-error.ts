// An error answer of the control API as the CLI reports it: the server's own words, with the HTTP
// status. A module of its own (errors.ts has no imports) so that the CLI's fast path says exactly
// what the full CLI says.
import type { ApiErrorBody } from '../../shared/contract.js';
import { BootbenchError } from '../errors.js';

/** An error answer as a BootbenchError; the server's ApiErrorBody gives the words when there is one. */
export function apiError(status: number, text: string): BootbenchError {
  let message = text.trim().slice(0, 500) || `HTTP ${status}`;
  let apiCode: string | undefined;
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (body.error && typeof body.error.message === 'string') {
      message = body.error.message;
      apiCode = typeof body.error.code === 'string' ? body.error.code : undefined;
    }
  } catch {
    // not JSON: keep the raw text
  }
  return new BootbenchError('CONTROL_API', { status, message, ...(apiCode !== undefined ? { apiCode } : {}) });
}
