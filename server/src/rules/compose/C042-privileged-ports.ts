// CG-C042: a published port below 1024 — on the host (Info, CIS 5.8) or, without cap_drop ALL /
// NET_BIND_SERVICE, in the container (Hint, KICS). Not reported on a port entry published on all host
// interfaces: CG-C041 or CG-C111 reports that one (catalogue §6.2), decided on their condition, even when
// those rules are off or suppressed.
import type { ComposeModel, ComposeService } from '../../engine/compose/model';
import { capabilityName } from '../../engine/compose/capabilities';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { allInterfaces } from '../../engine/compose/port-exposure';
import { portRange, readPortItem } from '../../engine/compose/ports';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';

const PRIVILEGED = 1024;

interface Data {
  tier: 'host' | 'container';
  port: number;
  written: string;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C042',
    title: 'Privileged port published',
    description:
      'A published port is below 1024 on the host, or in a container that keeps NET_BIND_SERVICE: binding it needs privileges that a hardened service should not have.',
    kind: 'compose',
    severity: 'info',
    equivalents: ['KICS bc2908f3-f73c-40a9-8793-c1b7d5544f79', 'CIS 5.8'],
    fixable: false,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('ports');
      if (!entry) continue;
      let canBind: boolean | undefined;
      for (const item of model.entryItems(entry)) {
        const node = item.node;
        const port = node ? readPortItem(model, node) : undefined;
        // On all interfaces: CG-C041's or CG-C111's entry (one risk, one finding).
        if (!node || !port || allInterfaces(model, node)) continue;
        const host = port.hasHostField ? portRange(port.host)?.[0] : undefined;
        const container = portRange(port.container)?.[0];
        if (host !== undefined && host < PRIVILEGED) {
          hits.push({ node: port.hostNode, service, via: item.via, data: { tier: 'host', port: host, written: port.written } });
        } else if (container !== undefined && container < PRIVILEGED) {
          canBind ??= keepsBindCapability(model, service);
          if (canBind) hits.push({ node: port.containerNode, service, via: item.via, data: { tier: 'container', port: container, written: port.written } });
        }
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { tier, port, written } = group.data;
      findings.push(
        tier === 'host'
          ? {
              message: `Port ${written} of ${serviceNames(group)} publishes host port ${port}, a privileged port (below ${PRIVILEGED}). Publish a host port of ${PRIVILEGED} or above and put a reverse proxy or load balancer in front if it must be ${port}.`,
              range: model.rangeOf(group.node),
              related: receiversInfo(group),
              fixes: [],
            }
          : {
              severity: 'hint',
              message: `Port ${written} of ${serviceNames(group)} maps to container port ${port}, below ${PRIVILEGED}, and the service keeps NET_BIND_SERVICE (no "cap_drop: [ALL]"). Let the service listen on a port of ${PRIVILEGED} or above, or drop the capability.`,
              range: model.rangeOf(group.node),
              related: receiversInfo(group),
              fixes: [],
            },
      );
    }
    return findings;
  },
};

/** Whether the merged service keeps NET_BIND_SERVICE: its `cap_drop` lists neither ALL nor it. */
function keepsBindCapability(model: ComposeModel, service: ComposeService): boolean {
  const entry = service.view?.get('cap_drop');
  if (!entry) return true;
  const text = (node: Node | null | undefined) => model.scalar(node)?.interpolated.text;
  const names = model.entryItems(entry).map((item) => text(item.node));
  const single = text(entry.value);
  return ![...names, single].some((written) => {
    if (written === undefined) return false;
    const name = capabilityName(written);
    return name === 'ALL' || name === 'NET_BIND_SERVICE' || name.includes(UNKNOWN);
  });
}
