// Who can reach a published port: the conditions of CG-C041 (published on all host interfaces) and CG-C111
// (a sensitive service port on all interfaces), and the "bind to loopback" edit both offer. CG-C042 reads
// them too: one risk, one finding (catalogue §6.2) is decided on the rules' conditions, not on their findings,
// so a port entry that C111 would report is never C041's, and one C041 or C111 would report is never C042's,
// whether or not those rules are on or suppressed.
import { isMap } from 'yaml';
import type { ComposeModel } from './model';
import { insertInScalar, insertPair, replaceNode } from './edits';
import { UNKNOWN } from './interpolate';
import { bindsAllInterfaces, loopbackFor, parseShortPort, portRange, readPortItem, type PortItem } from './ports';
import type { TextEdit } from '../types';
import type { Node, YAMLMap } from './yaml-ast';

/** Container ports of services that must never face every network (catalogue §3.2 G-C11). */
export const SENSITIVE_PORTS: Record<number, string> = {
  22: 'SSH',
  2375: 'the Docker API (plain TCP)',
  2376: 'the Docker API (TLS)',
  5432: 'PostgreSQL',
  3306: 'MySQL/MariaDB',
  6379: 'Redis',
  27017: 'MongoDB',
  9200: 'Elasticsearch',
  11211: 'Memcached',
};

/** A port entry published on every host interface, with where its finding sits and the fix that binds it. */
export interface Exposure {
  item: PortItem;
  /** The short-syntax scalar; in the long syntax the written `host_ip` value, else the `published` (or `target`) key. */
  at: Node;
  /** Binds the entry to the loopback address; undefined when the text cannot be rewritten safely. */
  bind: { title: string; edit: TextEdit } | undefined;
}

/** CG-C041's condition: the port item is published with no host IP, or `0.0.0.0`, `::`, `[::]`. */
export function allInterfaces(model: ComposeModel, node: Node): Exposure | undefined {
  const item = readPortItem(model, node);
  if (!item) return undefined;
  return isMap(node) ? longExposure(model, node, item) : shortExposure(model, item);
}

/** The sensitive port within a container port or range (`5432`, `6379-6380`), if any. */
export function sensitivePortIn(container: string): number | undefined {
  const range = portRange(container);
  if (!range) return undefined;
  return Object.keys(SENSITIVE_PORTS)
    .map(Number)
    .find((port) => port >= range[0] && port <= range[1]);
}

/** CG-C111's condition: CG-C041's, and the container port is (or its range holds) a sensitive port. */
export function sensitiveExposure(model: ComposeModel, node: Node): { exposure: Exposure; port: number } | undefined {
  const exposure = allInterfaces(model, node);
  const port = exposure ? sensitivePortIn(exposure.item.container) : undefined;
  return exposure && port !== undefined ? { exposure, port } : undefined;
}

function shortExposure(model: ComposeModel, item: PortItem): Exposure | undefined {
  const scalar = item.scalar!;
  // A value that is only a variable could hold anything, an IP included.
  if (!item.hasHostField && item.container.includes(UNKNOWN)) return undefined;
  if (bindsAllInterfaces(item.ip ?? '') !== true) return undefined;
  const node = scalar.node;
  let bind: Exposure['bind'];
  if (scalar.quote !== undefined) {
    if (item.ip === '') {
      const prefix = item.hasHostField ? '127.0.0.1:' : '127.0.0.1::';
      // `- 80` (a YAML number) becomes a quoted string.
      const edit = scalar.nonString ? replaceNode(model.source, node, `"${prefix}${scalar.text}"`) : insertInScalar(model.source, node, 0, prefix);
      if (edit) bind = { title: 'Bind to 127.0.0.1', edit };
    } else if (scalar.verbatim) {
      // Written IP: replace it with the loopback address of the same family (only when the IP is written
      // literally: `${IP:-0.0.0.0}` has no IP text to replace).
      const raw = scalar.text;
      const start = raw.length - raw.trimStart().length;
      const written = parseShortPort(raw.trim());
      if (written.ip === item.ip) {
        const loopback = loopbackFor(written.ip);
        const offset = node.range![0] + (scalar.quote ? 1 : 0) + start;
        bind = { title: `Bind to ${loopback}`, edit: { range: model.source.rangeOf(offset, offset + written.ipLength), newText: loopback } };
      }
    }
  }
  return { item, at: node, bind };
}

function longExposure(model: ComposeModel, map: YAMLMap, item: PortItem): Exposure | undefined {
  const view = item.view!;
  const keyNode = (view.get('published') ?? view.get('target'))!.keyNode;
  const hostIp = view.get('host_ip');
  if (!hostIp) {
    // The item's own mapping gets the key (a merged item would need the insert where it is written).
    const edit = insertPair(model.source, model.style, map, 'host_ip', { scalar: '127.0.0.1' });
    return { item, at: keyNode, bind: edit && { title: 'Add "host_ip: 127.0.0.1"', edit } };
  }
  // `host_ip:` written empty: Docker binds every interface, and there is no value to rewrite.
  if (item.ip === undefined) return { item, at: keyNode, bind: undefined };
  if (bindsAllInterfaces(item.ip) !== true) return undefined;
  const newText = loopbackFor(item.ip) === '[::1]' ? '"::1"' : '127.0.0.1';
  const edit = replaceNode(model.source, hostIp.value!, newText);
  return { item, at: hostIp.value!, bind: { title: `Set "host_ip: ${newText.replace(/"/g, '')}"`, edit } };
}
