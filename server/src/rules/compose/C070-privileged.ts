// CG-C070: `privileged: true` — the container gets every capability and every host device. Also a
// privileged build (`build: {privileged: true}`) and privileged lifecycle hooks (`post_start`, `pre_stop`
// items), catalogue §6.3.
import type { ComposeModel, MapEntry } from '../../engine/compose/model';
import { deletePair, insertPair } from '../../engine/compose/edits';
import { booleanOf } from '../../engine/compose/interpolate';
import { capitalize, partKeyHits, partOf, variableList, type ServicePart } from '../../engine/compose/presence';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit, type WrittenGroup } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule } from '../../engine/types';

interface Data {
  entry: MapEntry;
  /** undefined when the value is certain; the variables otherwise. */
  variables?: string[];
  /** Set for a part of the service (its build, a lifecycle hook); undefined for the service itself. */
  part?: ServicePart;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C070',
    title: 'Privileged service',
    description:
      'A service sets `privileged: true`: the container gets all capabilities and host devices and is effectively root on the host. Also a privileged build or lifecycle hook.',
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
    const isTrue = (value: string) => booleanOf(value) === true;
    for (const hit of partKeyHits(model, ['build', 'post_start', 'pre_stop'], 'privileged', isTrue, { unknownMayMatch: true })) {
      const { entry, variables, part } = hit.data;
      hits.push({ ...hit, data: { entry, variables, part } });
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { entry, variables, part } = group.data;
      const fixes: Fix[] = [];
      const shared = isShared(group);
      const removal = model.hasReferencedAnchor(entry.pair.value as never) ? undefined : deletePair(model.source, entry.map, entry.pair);
      if (removal) {
        fixes.push({
          title: shared
            ? `Remove "privileged" in the anchor (affects ${group.hits.length} service${group.hits.length === 1 ? '' : 's'})`
            : 'Remove "privileged: true"',
          edits: [removal],
          // The service (or build step, or hook) may need it: never removed unattended.
          isPreferred: false,
        });
      }
      // "Only in <service>" overrides sit after the service's own merge key: for the service-level key only.
      for (const hit of part ? [] : group.hits) {
        const step = hit.via[0];
        const own = hit.service.ownMap;
        if (step?.kind !== 'merge' || !own) continue;
        const mergePair = own.items.find((pair) => pair.key === step.node);
        if (!mergePair) continue;
        const edit = insertPair(model.source, model.style, own, 'privileged', { scalar: 'false' }, { after: mergePair as never });
        if (edit) fixes.push({ title: `Set "privileged: false" only in service "${hit.service.name}"`, edits: [edit], isPreferred: false });
      }
      const range = model.rangeOf(group.node);
      const related = receiversInfo(group);
      findings.push({ ...(variables ? { severity: 'info' as const } : {}), message: message(group, part, variables), range, related, fixes });
    }
    return findings;
  },
};

function message(group: WrittenGroup<Data>, part: ServicePart | undefined, variables: string[] | undefined): string {
  const one = group.hits.length === 1;
  if (part === 'build') {
    const subject = capitalize(partOf(part, group));
    return variables
      ? `"build.privileged" depends on ${variableList(variables)}: ${partOf(part, group)} runs its RUN steps privileged (root on the build host) when it is "true".`
      : `${subject} runs privileged ("build.privileged: true"): its RUN steps get all capabilities and host devices, effectively root on the build host. Remove it unless a build step cannot work without it.`;
  }
  if (part) {
    return variables
      ? `"privileged" of ${partOf(part, group)} depends on ${variableList(variables)}: the hook runs privileged (root on the host) when it is "true".`
      : `${capitalize(partOf(part, group))} runs privileged: the hook's command gets all capabilities and host devices, effectively root on the host. Remove it and grant only what the command needs.`;
  }
  if (variables) {
    return `"privileged" depends on ${variableList(variables)}: ${serviceNames(group)} become${one ? 's' : ''} privileged (root on the host) when it is "true".`;
  }
  return `${capitalize(serviceNames(group))} run${one ? 's' : ''} privileged: all capabilities and host devices, effectively root on the host. Remove it and grant only the capabilities needed (cap_add).`;
}
