// Compose `ports:` short syntax, split as compose-go does (docker/go-connections `nat.ParsePortSpec`):
// `[ip:][host:]container[/protocol]`; with more than two colons everything before the last two is the IP
// (`[::1]:8080:80`, `::1:8080:80`).
import { isMap } from 'yaml';
import { UNKNOWN } from './interpolate';
import type { ComposeModel, MapView, ScalarInfo } from './model';
import type { Node } from './yaml-ast';

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

/** One `ports:` item, short or long syntax, read the same way by every port rule (C041, C042, C045, C111). */
export interface PortItem {
  /** The item (a scalar, or the long syntax's mapping). */
  node: Node;
  /** The short syntax's scalar; undefined for the long syntax. */
  scalar?: ScalarInfo;
  /** The long syntax's keys; undefined for the short syntax. */
  view?: MapView;
  /** Host IP after interpolation (unknown parts as `UNKNOWN`), '' when absent; undefined when written as null (long syntax). */
  ip: string | undefined;
  /** Host port or range after interpolation, '' when absent (Docker picks a free port). */
  host: string;
  /** Whether the item names a host port field (`8080:80`, `ip::80`, `published:`), not only a container port. */
  hasHostField: boolean;
  /** Container port or range after interpolation; '' when the long syntax has no `target`. */
  container: string;
  /** `tcp`, `udp`, `sctp` as written (lower case), '' when absent (tcp). */
  protocol: string;
  /** Where the host port is written: the scalar, or `published` (else `target`) of the long syntax. */
  hostNode: Node;
  /** Where the container port is written: the scalar, or `target` (else `published`) of the long syntax. */
  containerNode: Node;
  /** The item for messages: `"8080:80"`, or `"published:target"` for the long syntax. */
  written: string;
}

/**
 * A `ports:` item as Compose reads it; undefined for a null or empty scalar and a long-syntax item with
 * neither `published` nor `target`.
 */
export function readPortItem(model: ComposeModel, node: Node): PortItem | undefined {
  if (isMap(node)) {
    const view = model.viewOf(node);
    const published = view?.get('published');
    const target = view?.get('target');
    const hostScalar = model.scalar(published?.value);
    const containerScalar = model.scalar(target?.value);
    const hostNode = published?.value ?? target?.value;
    const containerNode = target?.value ?? published?.value;
    if (!view || !hostNode || !containerNode) return undefined;
    const hostIp = view.get('host_ip');
    const ipScalar = model.scalar(hostIp?.value);
    const text = (scalar: ScalarInfo | undefined) => (scalar && !scalar.isNull ? scalar.interpolated.text.trim() : '');
    return {
      node,
      view,
      ip: hostIp && (!ipScalar || ipScalar.isNull) ? undefined : text(ipScalar),
      host: text(hostScalar),
      hasHostField: published !== undefined,
      container: text(containerScalar),
      protocol: text(model.scalar(view.get('protocol')?.value)).toLowerCase(),
      hostNode,
      containerNode,
      written: `"${published ? `${hostScalar?.text ?? ''}:` : ''}${containerScalar?.text ?? '?'}"`,
    };
  }
  const scalar = model.scalar(node);
  if (!scalar || scalar.isNull) return undefined;
  const spec = scalar.interpolated.text.trim();
  if (spec === '') return undefined;
  const port = parseShortPort(spec);
  return {
    node,
    scalar,
    ip: port.ip,
    host: port.host.trim(),
    hasHostField: port.hasHostField,
    container: port.container.trim(),
    protocol: port.protocol.trim().toLowerCase(),
    hostNode: scalar.node,
    containerNode: scalar.node,
    written: `"${scalar.text}"`,
  };
}

/** A port or range (`80`, `8000-8010`) as `[low, high]`; undefined when unknown, malformed or reversed. */
export function portRange(text: string): [number, number] | undefined {
  if (text.includes(UNKNOWN)) return undefined;
  const match = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(text);
  if (!match) return undefined;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return high < low ? undefined : [low, high];
}
