// CG-C111: a CG-C041 finding (port published on all host interfaces) whose container port is one of a
// database, cache, search engine, SSH or the Docker API: an Error rather than a Warning.
import { isMap } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import type { ComposeModel } from '../../engine/compose/model';
import { deleteSequenceItem } from '../../engine/compose/edits';
import { parseShortPort } from '../../engine/compose/ports';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';
import { rule as C041 } from './C041-port-all-interfaces';

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

/** The sensitive port within a container port or range (`5432`, `6379-6380`), if any. */
export function sensitivePortIn(container: string): number | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(container.trim());
  if (!match) return undefined;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return Object.keys(SENSITIVE_PORTS)
    .map(Number)
    .find((port) => port >= low && port <= high);
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C111',
    title: 'Sensitive service port on all interfaces',
    description:
      'A port of SSH, the Docker API, PostgreSQL, MySQL, Redis, MongoDB, Elasticsearch or Memcached is published on all host interfaces: often unauthenticated, it is then reachable from every network the host is on.',
    kind: 'compose',
    severity: 'error',
    equivalents: [],
    fixable: true,
  },
  check(model, context) {
    // Exactly where CG-C041 reports: its findings sit inside the port item they are about.
    const allInterfaces = C041.check(model, context);
    if (allInterfaces.length === 0) return [];
    const findings: RuleFinding[] = [];
    const done = new Set<RuleFinding>();
    for (const service of model.services) {
      const entry = service.view?.get('ports');
      if (!entry) continue;
      for (const item of model.entryItems(entry)) {
        const node = item.node;
        if (!node) continue;
        const port = sensitivePortIn(containerPort(model, node) ?? '');
        if (port === undefined) continue;
        const range = model.rangeOf(node);
        const base = allInterfaces.find((f) => !done.has(f) && within(f.range, range));
        if (!base) continue;
        done.add(base);
        const fixes: Fix[] = base.fixes.map((fix) => ({ ...fix }));
        const removal = item.via.length === 0 && item.raw === node && !model.hasReferencedAnchor(node) ? deleteSequenceItem(model.source, item.seq, item.index) : undefined;
        // Not preferred: whatever reaches the port from outside stops working.
        if (removal) fixes.push({ title: 'Remove the published port', edits: [removal], isPreferred: false });
        findings.push({
          message: `Container port ${port} (${SENSITIVE_PORTS[port]}) is published on all host interfaces, so it is reachable from every network the host is on; such services are often unauthenticated. Bind it to 127.0.0.1, or remove the port and reach the service over a Compose network.`,
          range: base.range,
          related: base.related,
          fixes,
        });
      }
    }
    return findings;
  },
};

/** The container port of a short (`"8080:80/tcp"`) or long (`target: 80`) port item. */
function containerPort(model: ComposeModel, node: Node): string | undefined {
  if (isMap(node)) {
    return model.scalar(model.viewOf(node)?.get('target')?.value)?.interpolated.text.trim();
  }
  const scalar = model.scalar(node);
  if (!scalar || scalar.isNull) return undefined;
  // Unresolved parts stay marked: `"${PORT}:5432"` still has container port 5432.
  return parseShortPort(scalar.interpolated.text.trim()).container;
}

function within(inner: Range, outer: Range): boolean {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}
