// powerui's stand-in: the control-API routes of the power and chain parts, as their briefs name
// them, declared here until those parts land in contract.ts's ControlRoutes (then this file goes:
// the renderer's client already reads ControlRoutes & PendingRoutes, so nothing else changes).
import type { ChainSetting, Host, ServerStatus } from './contract.js';
import type { PowerActionResult, PowerSettingsUpdate, PowerSettingsView } from './power.js';

export interface PendingRoutes {
  'GET /api/hosts/:mac/power': { query: undefined; output: PowerSettingsView };
  'PUT /api/hosts/:mac/power': { query: undefined; body: PowerSettingsUpdate; output: PowerSettingsView };
  'POST /api/hosts/:mac/power/:action': { query: undefined; output: PowerActionResult };
  'POST /api/hosts/:mac/power/accept-certificate': { query: undefined; body: { fingerprint: string }; output: PowerSettingsView };
  'PUT /api/hosts/:mac/chain': { query: undefined; body: { chain: ChainSetting | null }; output: Host };
  'PUT /api/boot/chain': { query: undefined; body: { chain: ChainSetting }; output: ServerStatus };
}
