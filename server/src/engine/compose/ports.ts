// Compose `ports:` short syntax, split as compose-go does (docker/go-connections `nat.ParsePortSpec`):
// `[ip:][host:]container[/protocol]`; with more than two colons everything before the last two is the IP
// (`[::1]:8080:80`, `::1:8080:80`).
import { UNKNOWN } from './interpolate';

export interface ShortPort {
  /** The host IP as written (brackets kept), '' when absent. */
  ip: string;
  /** Length of the IP part at the start of the spec (0 when absent). */
  ipLength: number;
  /** Host port or range ('' when absent: a random host port). */
  host: string;
  /** Whether the spec has a host-port field (`8080:80`, `ip::80`) rather than only a container port. */
  hasHostField: boolean;
  container: string;
  protocol: string;
}

export function parseShortPort(spec: string): ShortPort {
  const parts = spec.split(':');
  const n = parts.length;
  let ip = '';
  let host = '';
  if (n === 2) host = parts[0];
  else if (n >= 3) {
    ip = parts.slice(0, n - 2).join(':');
    host = parts[n - 2];
  }
  let container = parts[n - 1];
  let protocol = '';
  const slash = container.indexOf('/');
  if (slash >= 0) {
    protocol = container.slice(slash + 1);
    container = container.slice(0, slash);
  }
  return { ip, ipLength: ip.length, host, hasHostField: n >= 2, container, protocol };
}

/** The IP with IPv6 brackets removed. */
export function bareIp(ip: string): string {
  return ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
}

/** Whether a host IP binds every interface: absent, `0.0.0.0`, `::` or `[::]`. Undefined when unknown. */
export function bindsAllInterfaces(ip: string): boolean | undefined {
  if (ip.includes(UNKNOWN)) return undefined;
  const bare = bareIp(ip.trim());
  return bare === '' || bare === '0.0.0.0' || bare === '::' || /^(0{1,4}:){7}0{1,4}$/.test(bare);
}

/** The loopback address of the same family, for a fix. */
export function loopbackFor(ip: string): string {
  return bareIp(ip).includes(':') ? '[::1]' : '127.0.0.1';
}
