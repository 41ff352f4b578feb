// CG-C076: `cgroup_parent` set — the container leaves Docker's own cgroup hierarchy.
import type { ComposeModel } from '../../engine/compose/model';
import { capitalize, removeKeyFixes, scalarKeyHits, variableList, verbS } from '../../engine/compose/presence';
import { groupByWritten, receiversInfo, serviceNames } from '../../engine/compose/written';
import type { RuleFinding, Rule } from '../../engine/types';

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C076',
    title: 'Custom cgroup parent',
    description:
      "A service sets `cgroup_parent`: the container is placed in a cgroup outside Docker's default hierarchy, where the resource limits and accounting of that parent apply instead of Docker's.",
    kind: 'compose',
    severity: 'info',
    equivalents: ['KICS 4d9f44c6-2f4a-4317-9bb5-267adbea0232', 'CIS 5.25'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    // Any non-empty value. `/docker/${APP}` is set whatever APP holds; `${CGROUP}` alone may be empty.
    const hits = scalarKeyHits(model, 'cgroup_parent', (value) => value !== '', { unknownMayMatch: true, judgePartlyUnknown: true });
    for (const group of groupByWritten(hits)) {
      const { scalar, variables } = group.data;
      findings.push({
        message: variables
          ? `"cgroup_parent" depends on ${variableList(variables)}: when it is set, ${serviceNames(group)} run${verbS(group)} outside Docker's default cgroup hierarchy, under the limits and isolation of that cgroup. Remove it unless the host is set up for it.`
          : `${capitalize(serviceNames(group))} run${verbS(group)} under the custom cgroup parent "${scalar.text}": the limits and isolation of that cgroup apply instead of Docker's default hierarchy. Remove "cgroup_parent" unless the host is set up for it.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: removeKeyFixes(model, group, 'cgroup_parent', 'cgroup_parent'),
      });
    }
    return findings;
  },
};
