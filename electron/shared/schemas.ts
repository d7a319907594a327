// Input validation for the control API (zod), kept apart from the contract's types so that
// clients that only call the API do not load zod.
import { z } from 'zod';
import {
  ANSWER_TEMPLATE_NAMES,
  CHAIN_SETTINGS,
  DHCP_MODES,
  type ChainSettingUpdate as ChainSettingUpdateBody,
  normalizeMac,
  type DistroUpdate as DistroUpdateBody,
  type EventsFilter,
  type HostChainUpdate as HostChainUpdateBody,
  type HostLabelUpdate as HostLabelUpdateBody,
  type ImportRequest as ImportRequestBody,
  type LocateRequest as LocateRequestBody,
  type UploadQuery as UploadQueryShape,
  type InstallRequest as InstallRequestBody,
  type InstallSettingsUpdate,
  type ServeRequest as ServeRequestBody,
  type TimelineQuery as TimelineQueryShape,
} from './contract.js';

export const MacAddress = z.string().transform((s, ctx) => {
  const mac = normalizeMac(s);
  if (mac === null) ctx.addIssue({ code: 'custom', message: 'a MAC address like 52:54:00:12:34:56' });
  return mac ?? s;
});

export const EventsQuery: z.ZodType<EventsFilter> = z.object({
  since: z.coerce.number().int().min(0).optional(),
  mac: MacAddress.optional(),
  services: z.stringbool().optional(),
});

export const ImportRequest: z.ZodType<ImportRequestBody> = z.object({
  path: z.string().min(1),
  verify: z.boolean().optional(),
});

/** A file name for an uploaded ISO (stored in the data folder under that name). */
export const IsoUploadName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}\.iso$/i, 'a file name ending in .iso, with letters, digits, . _ + -');

/** The name the user's file had (any characters; only shown in messages). */
export const UploadQuery: z.ZodType<UploadQueryShape> = z.object({ filename: z.string().min(1).max(255).optional() });

export const LocateRequest: z.ZodType<LocateRequestBody> = z.object({ path: z.string().min(1).max(4096) });

export const MacParams = z.object({ mac: MacAddress });

/** A technician's name for a machine: one line, up to 64 characters (trimmed; empty removes it). */
export const HostLabelUpdate: z.ZodType<HostLabelUpdateBody> = z.object({
  label: z
    .string()
    .max(64, 'at most 64 characters')
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'one line, without control characters')
    .nullable(),
});

/** A host's own boot-chain setting; null: the global one. */
export const HostChainUpdate: z.ZodType<HostChainUpdateBody> = z.object({ chain: z.enum(CHAIN_SETTINGS).nullable() }).strict();

/** The global boot-chain setting. */
export const ChainSettingUpdate: z.ZodType<ChainSettingUpdateBody> = z.object({ chain: z.enum(CHAIN_SETTINGS) }).strict();

/** `--set KEY=VALUE` pairs: keys are settings names; the answer-file renderer says which exist. */
export const InstallRequest: z.ZodType<InstallRequestBody> = z.object({
  distro: z.string().min(1).max(200),
  settings: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a setting name like timezone'), z.string().max(100_000)).optional(),
});

export const DistroId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,199}$/, 'a distro id like rocky-9.4-x86_64');

export const DistroUpdate: z.ZodType<DistroUpdateBody> = z.object({
  kernel: z.string().max(1000).nullable().optional(),
  initrd: z.string().max(1000).nullable().optional(),
  kernelArgs: z.string().max(4000).optional(),
});

export const TimelineQuery: z.ZodType<TimelineQueryShape> = z.object({
  since: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});

export const AnswerFileQuery = z.object({ distro: DistroId.optional() });

export const TemplateName = z.enum(ANSWER_TEMPLATE_NAMES);

export const TemplateSave = z.object({
  text: z
    .string()
    .max(1024 * 1024)
    .nullable(),
});

const line = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !/[\r\n]/.test(s), 'one line');

export const SettingsUpdate: z.ZodType<InstallSettingsUpdate> = z
  .object({
    hostnamePattern: line(63),
    domain: line(253),
    timezone: line(64),
    locale: line(64),
    keyboard: line(64),
    targetDisk: line(256),
    adminUser: line(32),
    sshAuthorizedKey: z.string().max(16_384),
    extraPackages: z.array(line(200)).max(500),
    postInstallScript: z.string().max(256 * 1024),
    rootPassword: z.string().max(1024),
    adminPassword: z.string().max(1024),
  })
  .partial()
  .strict();

export const CheckQuery = z.object({ interface: z.string().min(1).max(64) });

export const ServeRequest: z.ZodType<ServeRequestBody> = z.object({
  interface: z.string().min(1).max(64),
  mode: z.enum(DHCP_MODES).optional(),
  pool: z.string().max(64).optional(),
});
