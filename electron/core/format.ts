// One line per event, for the terminal and for copied logs.
import type { CoreEvent } from '../shared/contract.js';

export function formatEvent(e: CoreEvent): string {
  const time = e.time.slice(11, 23);
  switch (e.type) {
    case 'log':
      return `${time} ${e.source.padEnd(6)} ${e.level.padEnd(5)} ${e.mac ? `${e.mac} ` : ''}${e.message}`;
    case 'host':
      return `${time} host   info  ${e.host.mac} ${e.host.state} ${e.host.firmware} ${e.host.ip ?? ''}`.trimEnd();
    case 'distro':
      return `${time} iso    info  ${e.distro.id} ${e.distro.status} ${e.distro.name} ${e.distro.version} ${e.distro.arch}`;
    case 'service':
      return `${time} ${e.service.name.padEnd(6)} ${e.service.state === 'failed' ? 'error' : 'info '} ${e.service.state}${e.service.error ? `: ${e.service.error}` : ''}`;
  }
}
