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
  type CertificateAcceptance as CertificateAcceptanceBody,
  BATCH_ACTIONS,
  NEW_HOST_ACTIONS,
  WAIT_POLICIES,
  type BatchRequest as BatchRequestBody,
  type BootPolicyUpdate as BootPolicyUpdateBody,
  type HostBootRequest as HostBootRequestBody,
  type HostKernelArgsUpdate as HostKernelArgsUpdateBody,
  type HostWaitPolicyUpdate as HostWaitPolicyUpdateBody,
  type InventoryImportRequest as InventoryImportRequestBody,
} from './contract.js';
import { POWER_ACTIONS, type PowerSettingsUpdate as PowerSettingsUpdateBody } from './power.js';

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

/** The policy for new machines and the boot menu's settings. */
export const BootPolicyUpdate: z.ZodType<BootPolicyUpdateBody> = z
  .object({
    newHosts: z
      .object({ action: z.enum(NEW_HOST_ACTIONS), distro: z.string().min(1).max(200).nullable() })
      .strict()
      .refine((p) => (p.action === 'install') === (p.distro !== null), 'install takes a distro id; the other actions none')
      .optional(),
    menu: z
      .object({ timeoutSeconds: z.number().int().min(0).max(3600) })
      .strict()
      .optional(),
  })
  .strict();

/** A host's own wait policy; null: the global one. */
export const HostWaitPolicyUpdate: z.ZodType<HostWaitPolicyUpdateBody> = z.object({ policy: z.enum(WAIT_POLICIES).nullable() }).strict();

/** A host's extra kernel arguments (one line). */
export const HostKernelArgsUpdate: z.ZodType<HostKernelArgsUpdateBody> = z
  .object({
    kernelArgs: z
      .string()
      .max(4096)
      .regex(/^[^\r\n]*$/, 'one line of kernel arguments')
      .nullable(),
  })
  .strict();

/** A menu entry to boot at the host's next boot script (not an install). */
export const HostBootRequest: z.ZodType<HostBootRequestBody> = z
  .object({
    entry: z
      .string()
      .regex(/^(live|iso):[a-z0-9][a-z0-9._-]{0,199}$|^(memtest|local|reboot)$/, 'live:ID, iso:ID, memtest, local or reboot'),
  })
  .strict();

/** `--set KEY=VALUE` pairs: keys are settings names; the answer-file renderer says which exist. */
export const InstallRequest: z.ZodType<InstallRequestBody> = z.object({
  distro: z.string().min(1).max(200),
  settings: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a setting name like timezone'), z.string().max(100_000)).optional(),
  now: z.boolean().optional(),
});

/** One action on several hosts. */
export const BatchRequest: z.ZodType<BatchRequestBody> = z
  .object({
    macs: z.array(MacAddress).min(1).max(10_000),
    action: z.enum(BATCH_ACTIONS),
    install: InstallRequest.optional(),
    policy: z.enum(WAIT_POLICIES).nullable().optional(),
  })
  .strict();

/** An inventory CSV (at most 4 MiB of text). */
export const InventoryImportRequest: z.ZodType<InventoryImportRequestBody> = z
  .object({ csv: z.string().max(4 * 1024 * 1024), dryRun: z.boolean().optional() })
  .strict();

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

// Power settings. Secrets are one line of printable characters (they go into a BMC's login and a
// child's environment), bounded; the words of a refusal never repeat the value.
const secret = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'printable characters only');

/** A BMC's address: a host name or IPv4/IPv6 address, nothing that a command line could read as an option. */
const BmcAddress = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9.:-]*$/, 'a host name or IP address like 10.0.0.5');

/** SecureOn: 4 or 6 bytes, written as hex pairs (aa:bb:cc:dd or aa-bb-…) or as an IPv4-style dotted quad; "" removes it. */
export const SecureOnText = z
  .string()
  .regex(
    /^$|^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){3}$|^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$|^(\d{1,3}\.){3}\d{1,3}$/,
    'a SecureOn password of 4 or 6 bytes, like 01:02:03:04:05:06',
  );

export const PowerSettingsUpdate: z.ZodType<PowerSettingsUpdateBody> = z.discriminatedUnion('method', [
  z.object({ method: z.null() }).strict(),
  z
    .object({
      method: z.literal('wol'),
      wol: z.object({ mac: MacAddress.optional(), secureOn: SecureOnText.optional() }).strict(),
    })
    .strict(),
  z
    .object({
      method: z.literal('ipmi'),
      ipmi: z
        .object({
          address: BmcAddress,
          port: z.number().int().min(1).max(65535).optional(),
          user: secret(64),
          password: secret(64).optional(),
          cipherSuite: z.number().int().min(0).max(17).optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      method: z.literal('redfish'),
      redfish: z
        .object({
          url: z.string().min(1).max(2048).url('a URL like https://10.0.0.5'),
          user: secret(256),
          password: secret(1024).optional(),
          allowHttp: z.boolean().optional(),
        })
        .strict(),
    })
    .strict(),
]);

export const PowerActionParams = z.object({ mac: MacAddress, action: z.enum(POWER_ACTIONS) });

export const CertificateAcceptance: z.ZodType<CertificateAcceptanceBody> = z.object({
  fingerprint: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .pipe(z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint like AA:BB:…')),
});
