// The Redfish resources Bootbench reads, checked at the trust boundary (a BMC's JSON is input from
// the network), and the decisions made from them. Pure: no I/O. Property names and semantics are
// DMTF's (DSP0266 the protocol, DSP0268 the schema guide): ServiceRoot.Systems → the Systems
// collection → a ComputerSystem with PowerState, Boot and Actions["#ComputerSystem.Reset"].
import { z } from 'zod';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const link = z.object({ '@odata.id': z.string().min(1) });
const stringList = z.array(z.string());

const serviceRoot = z.object({ Systems: link });
const collection = z.object({ Members: z.array(link) });
const system = z.object({
  '@odata.id': z.string().optional(),
  Id: z.string().optional(),
  PowerState: z.string().nullable().optional(),
  Boot: z
    .object({
      BootSourceOverrideTarget: z.string().nullable().optional(),
      BootSourceOverrideEnabled: z.string().nullable().optional(),
      BootSourceOverrideMode: z.string().nullable().optional(),
      'BootSourceOverrideTarget@Redfish.AllowableValues': stringList.optional(),
      'BootSourceOverrideMode@Redfish.AllowableValues': stringList.optional(),
    })
    .optional(),
  Actions: z
    .object({
      '#ComputerSystem.Reset': z
        .object({
          target: z.string().min(1),
          'ResetType@Redfish.AllowableValues': stringList.optional(),
          '@Redfish.ActionInfo': z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});
const actionInfo = z.object({
  Parameters: z.array(z.object({ Name: z.string(), AllowableValues: stringList.optional() })).optional(),
});
const errorBody = z.object({
  error: z.object({
    code: z.string().optional(),
    message: z.string().optional(),
    '@Message.ExtendedInfo': z.array(z.object({ Message: z.string().optional() })).optional(),
  }),
});

function parse<T>(schema: z.ZodType<T>, json: unknown, what: string): Parsed<T> {
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const at = issue && issue.path.length > 0 ? issue.path.join('.') : '(the body)';
  return { ok: false, reason: `${what}: ${at}: ${issue?.message ?? 'unexpected shape'}` };
}

/** ServiceRoot (/redfish/v1): where the Systems collection is. */
export function parseServiceRoot(json: unknown): Parsed<{ systems: string }> {
  const r = parse(serviceRoot, json, 'not a ServiceRoot with a Systems link');
  return r.ok ? { ok: true, value: { systems: r.value.Systems['@odata.id'] } } : r;
}

/** A resource collection: its members' paths. */
export function parseCollection(json: unknown): Parsed<string[]> {
  const r = parse(collection, json, 'not a resource collection with Members');
  return r.ok ? { ok: true, value: r.value.Members.map((m) => m['@odata.id']) } : r;
}

export interface SystemFacts {
  powerState: string | null;
  boot: {
    target: string | null;
    enabled: string | null;
    mode: string | null;
    /** null: the BMC does not say (then any target may be tried). */
    targets: readonly string[] | null;
    modes: readonly string[] | null;
  } | null;
  reset: { target: string; types: readonly string[] | null; actionInfo: string | null } | null;
}

/** A ComputerSystem: what Bootbench reads and acts on. */
export function parseSystem(json: unknown): Parsed<SystemFacts> {
  const r = parse(system, json, 'not a ComputerSystem');
  if (!r.ok) return r;
  const { Boot: b, Actions: a } = r.value;
  const reset = a?.['#ComputerSystem.Reset'];
  return {
    ok: true,
    value: {
      powerState: r.value.PowerState ?? null,
      boot: b
        ? {
            target: b.BootSourceOverrideTarget ?? null,
            enabled: b.BootSourceOverrideEnabled ?? null,
            mode: b.BootSourceOverrideMode ?? null,
            targets: b['BootSourceOverrideTarget@Redfish.AllowableValues'] ?? null,
            modes: b['BootSourceOverrideMode@Redfish.AllowableValues'] ?? null,
          }
        : null,
      reset: reset
        ? {
            target: reset.target,
            types: reset['ResetType@Redfish.AllowableValues'] ?? null,
            actionInfo: reset['@Redfish.ActionInfo'] ?? null,
          }
        : null,
    },
  };
}

/** An ActionInfo resource: the allowable values of one parameter (null when it lists none). */
export function parseActionInfo(json: unknown, parameter: string): Parsed<string[] | null> {
  const r = parse(actionInfo, json, 'not an ActionInfo');
  if (!r.ok) return r;
  return { ok: true, value: r.value.Parameters?.find((p) => p.Name === parameter)?.AllowableValues ?? null };
}

/** The words of a Redfish error body (DSP0266 §9.6: error.message and its extended info), if it is one. */
export function redfishErrorMessage(json: unknown): string | null {
  const r = errorBody.safeParse(json);
  if (!r.success) return null;
  const extended = (r.data.error['@Message.ExtendedInfo'] ?? []).map((m) => m.Message).filter((m): m is string => !!m);
  const words = [r.data.error.message, ...extended].filter((m): m is string => !!m);
  return words.length > 0 ? [...new Set(words)].join(' ') : (r.data.error.code ?? null);
}

/** Redfish PowerState → Bootbench's: a machine powering on counts as on, powering off as off. */
export function powerStateOf(raw: string | null): 'on' | 'off' | 'unknown' {
  switch (raw) {
    case 'On':
    case 'PoweringOn':
    case 'Paused':
      return 'on';
    case 'Off':
    case 'PoweringOff':
      return 'off';
    default:
      return 'unknown';
  }
}

export type ResetIntent = 'on' | 'off' | 'cycle';

// Preferences per intent, first offered wins. When the BMC lists no allowable values, the first one
// is sent (On, ForceOff and ForceRestart are the ones every Redfish BMC we know implements).
const RESET_PREFERENCES: Record<ResetIntent, readonly string[]> = {
  on: ['On', 'ForceOn', 'PushPowerButton'],
  off: ['ForceOff', 'GracefulShutdown', 'PushPowerButton'],
  // A forced restart reboots at once; PowerCycle (off, then on) is what some BMCs offer instead.
  cycle: ['ForceRestart', 'PowerCycle', 'GracefulRestart'],
};

/**
 * The ResetType for an intent. A cycle of a machine that is off is a power-on: BMCs differ on
 * whether ForceRestart starts a machine that is off, and On always does.
 */
export function chooseResetType(
  intent: ResetIntent,
  powerState: 'on' | 'off' | 'unknown',
  allowed: readonly string[] | null,
): Parsed<string> {
  const effective: ResetIntent = intent === 'cycle' && powerState === 'off' ? 'on' : intent;
  const wanted = RESET_PREFERENCES[effective];
  if (allowed === null) return { ok: true, value: wanted[0]! };
  const found = wanted.find((t) => allowed.includes(t));
  if (found) return { ok: true, value: found };
  return {
    ok: false,
    reason: `no reset type to power ${effective === 'cycle' ? 'cycle' : effective} (offers ${allowed.join(', ') || 'none'})`,
  };
}

export type BootMode = 'UEFI' | 'Legacy';

/**
 * The PATCH body that makes the next boot (only) a network boot: Boot.BootSourceOverrideTarget=Pxe
 * with BootSourceOverrideEnabled=Once, and the boot mode when one is wanted and the BMC offers it
 * (a BMC without BootSourceOverrideMode has no such choice: its firmware decides).
 */
export function planPxeOnce(facts: SystemFacts, mode: BootMode | null): Parsed<{ Boot: Record<string, string> }> {
  if (!facts.boot) return { ok: false, reason: 'the system has no Boot override properties' };
  const { targets, modes } = facts.boot;
  if (targets && !targets.includes('Pxe'))
    return { ok: false, reason: `PXE is not a boot override target it offers (${targets.join(', ')})` };
  const body: Record<string, string> = { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' };
  const hasMode = facts.boot.mode !== null || modes !== null;
  if (mode && hasMode && (modes === null || modes.includes(mode))) body.BootSourceOverrideMode = mode;
  return { ok: true, value: { Boot: body } };
}
