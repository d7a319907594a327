// How a syslog severity (RFC 5424 §6.2.1) reads on Bootbench's timeline.
import type { EventLevel } from '../../shared/contract.js';
import type { Severity } from './parse.js';

const LEVELS: Readonly<Record<Severity, EventLevel>> = {
  emerg: 'error',
  alert: 'error',
  crit: 'error',
  err: 'error',
  warning: 'warn',
  notice: 'info',
  info: 'info',
  debug: 'debug',
};

export function eventLevelOf(severity: Severity): EventLevel {
  return LEVELS[severity];
}
