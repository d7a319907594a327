// Input validation for the control API (zod), kept apart from the contract's types so that
// clients that only call the API do not load zod.
import { z } from 'zod';
import { normalizeMac, type EventsFilter, type ImportRequest as ImportRequestBody } from './contract.js';

export const MacAddress = z
  .string()
  .transform((s, ctx) => {
    const mac = normalizeMac(s);
    if (mac === null) ctx.addIssue({ code: 'custom', message: 'a MAC address like 52:54:00:12:34:56' });
    return mac ?? s;
  });

export const EventsQuery: z.ZodType<EventsFilter> = z.object({
  since: z.coerce.number().int().min(0).optional(),
  mac: MacAddress.optional(),
});

export const ImportRequest: z.ZodType<ImportRequestBody> = z.object({
  path: z.string().min(1),
  verify: z.boolean().optional(),
});

/** A file name for an uploaded ISO (stored in the data folder under that name). */
export const IsoUploadName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}\.iso$/i, 'a file name ending in .iso, with letters, digits, . _ + -');
