// CG-C111: a port published on all host interfaces (CG-C041's condition) whose container port is one of a
// database, cache, search engine, SSH or the Docker API: an Error rather than a Warning. Where it holds,
// C041 and C042 stay silent (catalogue §6.2); the conditions are the engine's (port-exposure.ts).
import type { ComposeModel } from '../../engine/compose/model';
import { deleteSequenceItem } from '../../engine/compose/edits';
import { SENSITIVE_PORTS, sensitiveExposure, type Exposure } from '../../engine/compose/port-exposure';
import { groupByWritten, isShared, receiversInfo, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Fix, Rule, TextEdit } from '../../engine/types';

interface Data {
  exposure: Exposure;
  port: number;
  /** Removes the port item; only for an item written in the service itself. */
  removal: TextEdit | undefined;
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
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('ports');
      if (!entry) continue;
      for (const item of model.entryItems(entry)) {
        const node = item.node;
        const found = node ? sensitiveExposure(model, node) : undefined;
        if (!node || !found) continue;
        const removable = item.via.length === 0 && item.raw === node && !model.hasReferencedAnchor(node);
        const removal = removable ? deleteSequenceItem(model.source, item.seq, item.index) : undefined;
        hits.push({ node: found.exposure.at, service, via: item.via, data: { ...found, removal } });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { exposure, port, removal } = group.data;
      const fixes: Fix[] = [];
      const n = group.hits.length;
      if (exposure.bind) {
        const { title, edit } = exposure.bind;
        // Whatever reaches the port from other machines stops working: never applied unattended.
        fixes.push({ title: isShared(group) ? `${title} in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : title, edits: [edit], isPreferred: false });
      }
      // Not preferred: whatever reaches the port from outside stops working.
      if (removal && !isShared(group)) fixes.push({ title: 'Remove the published port', edits: [removal], isPreferred: false });
      findings.push({
        message: `Container port ${port} (${SENSITIVE_PORTS[port]}) is published on all host interfaces, so it is reachable from every network the host is on; such services are often unauthenticated. Bind it to 127.0.0.1, or remove the port and reach the service over a Compose network.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes,
      });
    }
    return findings;
  },
};
