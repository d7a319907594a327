// The address pool to serve: the user's range, checked against the interface's subnet, or the
// default (the upper half of the subnet). A bad range is refused with what would work instead.
import { BootbenchError } from '../errors.js';
import { defaultPool, inSubnet, intToIp, ipToInt, parsePool, subnetOf, type Pool } from './ipv4.js';

export function choosePool(opts: { text: string | undefined; serverIp: string; prefix: number; iface: string }): Pool {
  const { text, serverIp, prefix, iface } = opts;
  const fallback = defaultPool(serverIp, prefix);
  if (!text) return fallback;
  const subnet = subnetOf(serverIp, prefix);
  const fail = (reason: string) => {
    const context = {
      pool: text,
      iface,
      reason,
      subnet: `${intToIp(subnet.network)}/${prefix}`,
      example: `${intToIp(fallback.start)}-${intToIp(fallback.end)}`,
    };
    const detail = `${context.pool} is not usable on ${iface}: ${reason}. Give a range inside ${context.subnet}, e.g. ${context.example}.`;
    return new BootbenchError('POOL_INVALID', context, { field: { name: 'pool', detail } });
  };
  const pool = parsePool(text);
  if (typeof pool === 'string') throw fail(pool);
  if (!inSubnet(pool.start, subnet) || !inSubnet(pool.end, subnet)) throw fail('it is not inside the interface subnet');
  if (pool.start === subnet.network || pool.end === subnet.broadcast) throw fail('it includes the network or broadcast address');
  const server = ipToInt(serverIp);
  if (pool.start === server && pool.end === server) throw fail('it holds only the server address');
  return pool;
}
