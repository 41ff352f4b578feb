// CG-C040: `network_mode: host` — the service shares the host's network stack.
import type { ComposeModel, MapEntry } from '../../engine/compose/model';
import { deletePair } from '../../engine/compose/edits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule } from '../../engine/types';

interface Data {
  entry: MapEntry;
  variables?: string[];
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C040',
    title: 'Host network mode',
    description:
      'A service uses `network_mode: host`: it shares the host network namespace, can bind any host port and reach services listening on localhost.',
    kind: 'compose',
    severity: 'error',
    equivalents: ['KICS 071a71ff-f868-47a4-ac0b-3c59e4ab5443', 'CIS 5.10'],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('network_mode');
      if (!entry?.value) continue;
      const scalar = model.scalar(entry.value);
      if (!scalar) continue;
      const { interpolated } = scalar;
      if (interpolated.known && interpolated.value!.trim().toLowerCase() === 'host') {
        hits.push({ node: entry.value, service, via: entry.via, data: { entry } });
      } else if (!interpolated.known && interpolated.hasVariables && interpolated.text.trim() === '\u0000') {
        // Only a value that is entirely a variable can become `host`.
        hits.push({ node: entry.value, service, via: entry.via, data: { entry, variables: interpolated.variables } });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { entry, variables } = group.data;
      const fixes: Fix[] = [];
      const removal = model.hasReferencedAnchor(entry.pair.value as never) ? undefined : deletePair(model.source, entry.map, entry.pair);
      if (removal) {
        const n = group.hits.length;
        fixes.push({
          title: isShared(group)
            ? `Remove "network_mode" in the anchor (affects ${n} service${n === 1 ? '' : 's'}; publish the needed ports explicitly)`
            : 'Remove "network_mode: host" (then publish the needed ports explicitly)',
          edits: [removal],
          // Not safe unattended: the service may rely on host networking; the user must add `ports:`.
          isPreferred: false,
        });
      }
      const related = receiversInfo(group);
      const range = model.rangeOf(group.node);
      findings.push(
        variables
          ? {
              severity: 'info',
              message: `"network_mode" depends on ${variables.map((v) => `\${${v}}`).join(', ')}: ${serviceNames(group)} share the host network when it is "host".`,
              range,
              related,
              fixes,
            }
          : {
              message: `${serviceNames(group).replace(/^s/, 'S')} share${group.hits.length === 1 ? 's' : ''} the host's network namespace (network_mode: host): no network isolation, every port it opens is open on the host. Use the default bridge network and publish ports explicitly.`,
              range,
              related,
              fixes,
            },
      );
    }
    return findings;
  },
};
