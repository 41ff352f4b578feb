// CG-C070: `privileged: true` — the container gets every capability and every host device.
import type { ComposeModel, MapEntry } from '../../engine/compose/model';
import { deletePair, insertPair } from '../../engine/compose/edits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule } from '../../engine/types';

interface Data {
  entry: MapEntry;
  /** undefined when the value is certain; the variables otherwise. */
  variables?: string[];
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C070',
    title: 'Privileged service',
    description:
      'A service sets `privileged: true`: the container gets all capabilities and host devices and is effectively root on the host.',
    kind: 'compose',
    severity: 'error',
    equivalents: [
      'KICS ae5b6871-7f45-42e0-bb4c-ab300c4d2026',
      'Semgrep yaml.docker-compose.security.privileged-service',
      'CIS 5.5',
    ],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('privileged');
      if (!entry?.value) continue;
      const scalar = model.scalar(entry.value);
      if (!scalar) continue;
      const via = entry.via;
      if (scalar.boolean === true) {
        hits.push({ node: entry.value, service, via, data: { entry } });
      } else if (!scalar.interpolated.known && scalar.interpolated.hasVariables) {
        hits.push({ node: entry.value, service, via, data: { entry, variables: scalar.interpolated.variables } });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { entry, variables } = group.data;
      const fixes: Fix[] = [];
      const shared = isShared(group);
      const removal = model.hasReferencedAnchor(entry.pair.value as never) ? undefined : deletePair(model.source, entry.map, entry.pair);
      if (removal) {
        fixes.push({
          title: shared
            ? `Remove "privileged" in the anchor (affects ${group.hits.length} service${group.hits.length === 1 ? '' : 's'})`
            : 'Remove "privileged: true"',
          edits: [removal],
          isPreferred: false,
        });
      }
      for (const hit of group.hits) {
        const step = hit.via[0];
        const own = hit.service.ownMap;
        if (step?.kind !== 'merge' || !own) continue;
        const mergePair = own.items.find((pair) => pair.key === step.node);
        const edit = insertPair(model.source, model.style, own, 'privileged', { scalar: 'false' }, { after: mergePair as never });
        if (edit) fixes.push({ title: `Set "privileged: false" only in service "${hit.service.name}"`, edits: [edit], isPreferred: false });
      }
      const range = model.rangeOf(group.node);
      const related = receiversInfo(group);
      if (variables) {
        findings.push({
          severity: 'info',
          message: `"privileged" depends on ${variables.map((v) => `\${${v}}`).join(', ')}: ${serviceNames(group)} become${group.hits.length === 1 ? 's' : ''} privileged (root on the host) when it is "true".`,
          range,
          related,
          fixes,
        });
      } else {
        findings.push({
          message: `${capitalize(serviceNames(group))} run${group.hits.length === 1 ? 's' : ''} privileged: all capabilities and host devices, effectively root on the host. Remove it and grant only the capabilities needed (cap_add).`,
          range,
          related,
          fixes,
        });
      }
    }
    return findings;
  },
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
