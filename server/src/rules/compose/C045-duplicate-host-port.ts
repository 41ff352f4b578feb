// CG-C045: the same host ip:port/protocol published twice in the project (the second container fails to start).
import { isMap } from 'yaml';
import type { ComposeModel, ComposeService } from '../../engine/compose/model';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { bareIp, parseShortPort } from '../../engine/compose/ports';
import { canRunTogether } from '../../engine/compose/project';
import type { RuleFinding, RelatedInfo, Rule } from '../../engine/types';
import type { Node, ViaStep } from '../../engine/compose/yaml-ast';

/** Related locations listed per finding. */
const MAX_RELATED = 20;
/** Host ranges wider than this are not expanded (and not compared). */
const MAX_RANGE = 1024;

interface Occurrence {
  service: ComposeService;
  /** Where the port entry is written (the scalar, or the long form's `published` value). */
  node: Node;
  via: ViaStep[];
  written: string;
  /** `ip|port/proto` keys it binds. */
  keys: string[];
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C045',
    title: 'Host port published twice',
    description:
      'Two port entries of the project publish the same host address, port and protocol: only one container can bind it, the other fails to start.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['dclint no-duplicate-exported-ports'],
    fixable: false,
  },
  check(model) {
    const occurrences: Occurrence[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('ports');
      if (!entry) continue;
      for (const item of model.entryItems(entry)) {
        const occurrence = item.node ? read(model, service, item.node, item.via) : undefined;
        if (occurrence) occurrences.push(occurrence);
      }
    }
    const byKey = new Map<string, Occurrence[]>();
    for (const occurrence of occurrences) {
      for (const key of occurrence.keys) {
        let list = byKey.get(key);
        if (!list) byKey.set(key, (list = []));
        if (!list.includes(occurrence)) list.push(occurrence);
      }
    }
    // For each occurrence: the first address it shares, and every other occurrence it collides with.
    const clashes = new Map<Occurrence, { key: string; others: Occurrence[] }>();
    for (const [key, list] of byKey) {
      for (const a of list) {
        const others = list.filter((b) => b !== a && canRunTogether(model, a.service, b.service));
        if (others.length === 0) continue;
        const clash = clashes.get(a);
        if (!clash) clashes.set(a, { key, others });
        else for (const b of others) if (!clash.others.includes(b)) clash.others.push(b);
      }
    }
    const findings: RuleFinding[] = [];
    const reported = new Set<Node>();
    for (const occurrence of occurrences) {
      const clash = clashes.get(occurrence);
      if (!clash || reported.has(occurrence.node)) continue;
      reported.add(occurrence.node);
      const related: RelatedInfo[] = [];
      const names: string[] = [];
      for (const other of clash.others.slice(0, MAX_RELATED)) {
        if (!names.includes(other.service.name)) names.push(other.service.name);
        // The same written entry reaching another service (a shared anchor) points at that service's alias.
        const range = other.node === occurrence.node && other.via[0] ? other.via[0].range : model.rangeOf(other.node);
        related.push({ range, message: `Service "${other.service.name}" publishes ${shown(clash.key)} here too.` });
      }
      const self = names.includes(occurrence.service.name) ? '' : ` of service "${occurrence.service.name}"`;
      findings.push({
        message: `Port ${occurrence.written}${self} publishes ${shown(clash.key)}, which ${names.map((n) => `"${n}"`).join(', ')} also publish${names.length === 1 ? 'es' : ''}: only one container can bind it, the other fails to start ("port is already allocated").`,
        range: model.rangeOf(occurrence.node),
        related,
        fixes: [],
      });
    }
    return findings;
  },
};

function shown(key: string): string {
  const [ip, port] = key.split('|');
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `0.0.0.0` for an absent IP, `::` for `[::]`, others lower-cased without brackets. */
function normalIp(ip: string): string {
  const bare = bareIp(ip.trim()).toLowerCase();
  return bare === '' ? '0.0.0.0' : bare;
}

function expand(range: string): number[] | undefined {
  const match = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(range);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (end < start || end - start >= MAX_RANGE) return undefined;
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

function keysOf(ip: string, host: string, protocol: string): string[] | undefined {
  if (ip.includes(UNKNOWN) || host.includes(UNKNOWN) || protocol.includes(UNKNOWN)) return undefined;
  const ports = expand(host);
  if (!ports) return undefined;
  const proto = (protocol.trim() || 'tcp').toLowerCase();
  return ports.map((port) => `${normalIp(ip)}|${port}/${proto}`);
}

function read(model: ComposeModel, service: ComposeService, node: Node, via: ViaStep[]): Occurrence | undefined {
  if (isMap(node)) {
    const view = model.viewOf(node);
    const published = view?.get('published');
    const host = model.scalar(published?.value);
    if (!published?.value || !host || host.isNull) return undefined;
    const ip = model.scalar(view?.get('host_ip')?.value)?.interpolated.text ?? '';
    const protocol = model.scalar(view?.get('protocol')?.value)?.interpolated.text ?? '';
    const keys = keysOf(ip, host.interpolated.text, protocol);
    const target = model.scalar(view?.get('target')?.value)?.text ?? '';
    return keys ? { service, node: published.value, via, written: `"${host.text}:${target}"`, keys } : undefined;
  }
  const scalar = model.scalar(node);
  if (!scalar || scalar.isNull) return undefined;
  const spec = parseShortPort(scalar.interpolated.text.trim());
  if (!spec.hasHostField || spec.host === '') return undefined;
  const keys = keysOf(spec.ip, spec.host, spec.protocol);
  return keys ? { service, node: scalar.node, via, written: `"${scalar.text}"`, keys } : undefined;
}
