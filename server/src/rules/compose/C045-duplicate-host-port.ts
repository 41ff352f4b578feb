// CG-C045: one host port published twice where only one container can bind it (catalogue §6.3): the same
// host port and protocol on overlapping host addresses, by two services or by one service on two entries.
// The same entry written twice in one service is merged by Compose: a Hint that it is written twice.
import type { ComposeModel, ComposeService } from '../../engine/compose/model';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { bareIp, portRange, readPortItem, type PortItem } from '../../engine/compose/ports';
import { canRunTogether } from '../../engine/compose/project';
import type { RuleFinding, RelatedInfo, Rule } from '../../engine/types';
import type { Node, ViaStep } from '../../engine/compose/yaml-ast';

/** Clashing entries compared, named and listed as related information per finding. */
const MAX_RELATED = 20;
/** Host ranges wider than this are not compared (they would be expanded port by port). */
const MAX_RANGE = 1024;

/** A host address as Docker binds it: every interface of both families, of one family, or one address. */
interface Address {
  /** `all` for an absent IP (Docker binds 0.0.0.0 and [::]), else the family. */
  family: 'all' | 'v4' | 'v6';
  /** `0.0.0.0` or `::` (every interface of the family). */
  wildcard: boolean;
  /** Canonical text (IPv6 expanded, lower case); '' for an absent IP. */
  text: string;
}

interface Occurrence {
  service: ComposeService;
  /** Where the entry is written (the scalar, or the long syntax's `published` value). */
  node: Node;
  /** Where a "written twice" hint points: the item as written (an alias stays the alias). */
  raw: Node;
  via: ViaStep[];
  written: string;
  /** Identical entries have the same identity (Compose merges them). */
  identity: string;
  /** The host ports it binds, when it binds fixed ones (undefined: a random port, or unknown). */
  binds?: { address: Address; ports: [number, number]; protocol: string };
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C045',
    title: 'Host port published twice',
    description:
      'Two port entries of the project publish the same host port and protocol on overlapping host addresses: only one container can bind it, the other fails to start. An entry written twice in one service is merged by Compose (a Hint).',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['dclint no-duplicate-exported-ports'],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const reported = new Set<Node>();
    /** Entries that can clash: each service's entries with identical repeats merged away, as Compose does. */
    const candidates: Occurrence[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('ports');
      if (!entry) continue;
      const seen = new Map<string, Occurrence>();
      for (const item of model.entryItems(entry)) {
        const port = item.node ? readPortItem(model, item.node) : undefined;
        if (!port) continue;
        const occurrence = read(service, port, item.raw ?? port.node, item.via);
        const first = seen.get(occurrence.identity);
        if (!first) {
          seen.set(occurrence.identity, occurrence);
          if (occurrence.binds) candidates.push(occurrence);
          continue;
        }
        if (reported.has(occurrence.raw)) continue;
        reported.add(occurrence.raw);
        findings.push({
          severity: 'hint',
          message: `Port ${occurrence.written} is written twice in service "${service.name}": Compose merges identical entries, so this one changes nothing. Remove it.`,
          range: model.rangeOf(occurrence.raw),
          related: [{ range: model.rangeOf(first.raw), message: 'The same entry is written here.' }],
          fixes: [],
        });
      }
    }
    findings.push(...conflicts(model, candidates));
    return findings;
  },
};

/** A Warning on every entry that binds a host port another entry binds too, with related information to those. */
function conflicts(model: ComposeModel, candidates: Occurrence[]): RuleFinding[] {
  // Entries by host port and protocol, so each entry is compared only with those that share a port.
  const byPort = new Map<string, Occurrence[]>();
  for (const occurrence of candidates) {
    const { ports, protocol } = occurrence.binds!;
    for (let port = ports[0]; port <= ports[1]; port++) {
      const key = `${port}/${protocol}`;
      let list = byPort.get(key);
      if (!list) byPort.set(key, (list = []));
      list.push(occurrence);
    }
  }
  const findings: RuleFinding[] = [];
  const reported = new Set<Node>();
  for (const a of candidates) {
    if (reported.has(a.node)) continue;
    const { ports, protocol } = a.binds!;
    const compared = new Set<Occurrence>([a]);
    const clashes: { other: Occurrence; port: number }[] = [];
    for (let p = ports[0]; p <= ports[1] && clashes.length < MAX_RELATED; p++) {
      for (const b of byPort.get(`${p}/${protocol}`) ?? []) {
        if (compared.has(b)) continue;
        compared.add(b);
        const port = sharedPort(a, b);
        if (port !== undefined && canRunTogether(model, a.service, b.service)) clashes.push({ other: b, port });
        if (clashes.length >= MAX_RELATED) break;
      }
    }
    if (clashes.length === 0) continue;
    reported.add(a.node);
    const port = clashes[0].port;
    const related: RelatedInfo[] = [];
    const names: string[] = [];
    for (const { other, port: shared } of clashes) {
      if (!names.includes(other.service.name)) names.push(other.service.name);
      // The same written entry reaching another service (a shared anchor) points at that service's alias.
      const range = other.node === a.node && other.via[0] ? other.via[0].range : model.rangeOf(other.node);
      related.push({ range, message: `Service "${other.service.name}" publishes ${shown(other, shared)} here too.` });
    }
    const self = names.includes(a.service.name) ? '' : ` of service "${a.service.name}"`;
    findings.push({
      message: `Port ${a.written}${self} publishes ${shown(a, port)}, which ${names.map((n) => `"${n}"`).join(', ')} also publish${names.length === 1 ? 'es' : ''}: only one container can bind it, the other fails to start ("port is already allocated").`,
      range: model.rangeOf(a.node),
      related,
      fixes: [],
    });
  }
  return findings;
}

/** The first host port both bind on overlapping addresses with the same protocol, if any. */
function sharedPort(a: Occurrence, b: Occurrence): number | undefined {
  const x = a.binds!;
  const y = b.binds!;
  if (x.protocol !== y.protocol || !overlaps(x.address, y.address)) return undefined;
  const low = Math.max(x.ports[0], y.ports[0]);
  return low <= Math.min(x.ports[1], y.ports[1]) ? low : undefined;
}

/** Whether two host addresses share an interface: the same address, or a wildcard of its family. */
function overlaps(a: Address, b: Address): boolean {
  if (a.family === 'all' || b.family === 'all') return true;
  if (a.family !== b.family) return false;
  return a.wildcard || b.wildcard || a.text === b.text;
}

function shown(occurrence: Occurrence, port: number): string {
  const { address, protocol } = occurrence.binds!;
  const ip = address.family === 'all' ? '0.0.0.0' : address.family === 'v6' ? `[${address.text}]` : address.text;
  return `${ip}:${port}/${protocol}`;
}

function read(service: ComposeService, port: PortItem, raw: Node, via: ViaStep[]): Occurrence {
  const protocol = port.protocol || 'tcp';
  const ip = port.ip ?? '';
  const known = ![ip, port.host, port.container, protocol].some((text) => text.includes(UNKNOWN));
  const host = port.hasHostField && port.host !== '' ? portRange(port.host) : undefined;
  const container = portRange(port.container);
  const address = addressOf(ip);
  const occurrence: Occurrence = {
    service,
    node: port.hostNode,
    raw,
    via,
    written: port.written,
    // With an unknown part, only the same text is the same entry. No IP and `0.0.0.0` are read as the
    // same entry (both are "every interface" as written), so the pair is a Hint, not a clash.
    identity: known
      ? `${address.family === 'all' ? '0.0.0.0' : address.text}|${host?.join('-') ?? port.host}|${container?.join('-') ?? port.container}|${protocol}`
      : `written|${port.written}`,
  };
  // A host range mapped to one container port asks for any free port of the range: it never clashes.
  // Ranges of different widths are refused by Docker.
  const oneToOne = host && container && (host[0] === host[1] || host[1] - host[0] === container[1] - container[0]);
  if (known && host && oneToOne && host[1] - host[0] < MAX_RANGE) occurrence.binds = { address, ports: host, protocol };
  return occurrence;
}

/** The host address of a port entry; IPv6 is canonicalised so `::1`, `[::1]` and `0:0:0:0:0:0:0:1` compare equal. */
function addressOf(ip: string): Address {
  const bare = bareIp(ip.trim()).toLowerCase();
  if (bare === '') return { family: 'all', wildcard: true, text: '' };
  if (!bare.includes(':')) return { family: 'v4', wildcard: bare === '0.0.0.0', text: bare };
  const text = canonicalIpv6(bare);
  return { family: 'v6', wildcard: /^0(:0){7}$/.test(text), text };
}

/** Eight hexadecimal groups without leading zeros (`::1` → `0:0:0:0:0:0:0:1`); other text as it is. */
function canonicalIpv6(ip: string): string {
  const halves = ip.split('::');
  if (halves.length > 2) return ip;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...Array<string>(Math.max(fill, 0)).fill('0'), ...tail];
  if (all.length !== 8 || !all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return ip;
  return all.map((group) => parseInt(group, 16).toString(16)).join(':');
}
