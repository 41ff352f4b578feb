// CG-C041: a published port bound to every host interface (no host IP, or 0.0.0.0 / :: / [::]).
// Not reported where CG-C111's condition holds (a sensitive port: that rule says it, as an Error), even
// when C111 is off or suppressed (catalogue §6.2). Both conditions are the engine's (port-exposure.ts).
import type { ComposeModel } from '../../engine/compose/model';
import { allInterfaces, sensitivePortIn, type Exposure } from '../../engine/compose/port-exposure';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule } from '../../engine/types';

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C041',
    title: 'Port published on all interfaces',
    description:
      'A published port has no host IP (or 0.0.0.0 / ::), so it is reachable from every network the host is on, bypassing host firewalls that Docker rewrites.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['KICS 451d79dc-0588-476a-ad03-3c7f0320abb3', 'dclint no-unbound-port-interfaces', 'CIS 5.14'],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Exposure>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('ports');
      if (!entry) continue;
      for (const item of model.entryItems(entry)) {
        const exposure = item.node ? allInterfaces(model, item.node) : undefined;
        // A sensitive container port is CG-C111's finding (one risk, one finding).
        if (!exposure || sensitivePortIn(exposure.item.container) !== undefined) continue;
        hits.push({ node: exposure.at, service, via: item.via, data: exposure });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { item, bind } = group.data;
      const fixes: Fix[] = [];
      if (bind) {
        const n = group.hits.length;
        fixes.push({
          title: isShared(group) ? `${bind.title} in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : bind.title,
          edits: [bind.edit],
          // Whatever reaches the port from other machines stops working: never applied unattended.
          isPreferred: false,
        });
      }
      findings.push({
        message: `Port ${item.written} of ${serviceNames(group)} is published on all host interfaces. Bind it to an address, e.g. 127.0.0.1, unless it must be reachable from other machines.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes,
      });
    }
    return findings;
  },
};
