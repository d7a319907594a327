// Service status: each service up or failed, where it listens, and its counters (live, from the
// event stream). Without a connection to the server its state is unknown, and said so.
import type { ServiceState, ServiceStatus } from '../../../electron/shared/contract.js';
import { useLive } from '../../app/context.js';

const NAMES: Readonly<Record<ServiceStatus['name'], string>> = {
  dhcp: 'DHCP',
  proxydhcp: 'PXE 4011',
  tftp: 'TFTP',
  http: 'HTTP',
  syslog: 'Syslog',
  dns: 'DNS',
  ra: 'IPv6 RA',
  control: 'Control',
};
const STATE_WORD: Readonly<Record<ServiceState, string>> = { starting: 'starting', up: 'up', failed: 'failed', stopped: 'stopped' };

export function counterText(counters: Readonly<Record<string, number>>): string {
  return Object.entries(counters)
    .filter(([, v]) => v > 0)
    .slice(0, 4)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');
}

/** "proxyOffers" → "proxy offers". */
function counterWords(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** What a screen reader says for a chip: "DHCP: up, on 10.0.0.1:67, 12 offers, 10 acks". */
export function serviceLabel(s: ServiceStatus): string {
  const counts = Object.entries(s.counters)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${counterWords(k)}`);
  return [`${NAMES[s.name]}: ${STATE_WORD[s.state]}`, s.address ? `on ${s.address}` : null, ...counts, s.error].filter(Boolean).join(', ');
}

export function ServiceBar() {
  const services = useLive((s) => s.status?.services);
  const connected = useLive((s) => s.stream === 'open');
  if (!services || services.length === 0) return null;
  if (!connected) {
    return (
      <ul className="services" aria-label="Services (not connected)">
        {services
          .filter((s) => s.name !== 'control')
          .map((s) => (
            <li key={s.name} className="service service-unknown" data-service={s.name} title={`Last known: ${STATE_WORD[s.state]}`}>
              <span className="dot" aria-hidden="true" />
              <strong>{NAMES[s.name]}</strong> <span>unknown</span>
            </li>
          ))}
      </ul>
    );
  }
  return (
    <ul className="services" aria-label="Services">
      {services
        .filter((s) => s.name !== 'control')
        .map((s) => {
          const counters = counterText(s.counters);
          return (
            <li
              key={s.name}
              className={`service service-${s.state}`}
              data-service={s.name}
              aria-label={serviceLabel(s)}
              title={s.error ?? s.address ?? undefined}
            >
              <span className="dot" aria-hidden="true" />
              <strong>{NAMES[s.name]}</strong> <span>{STATE_WORD[s.state]}</span>
              {s.address ? <span className="muted"> {s.address}</span> : null}
              {counters ? <span className="counters"> {counters}</span> : null}
              {s.error ? <span className="service-error"> {s.error}</span> : null}
            </li>
          );
        })}
    </ul>
  );
}
