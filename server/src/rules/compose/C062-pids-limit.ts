// CG-C062: the service has no PID limit (`pids_limit` or `deploy.resources.limits.pids`), or it is -1 / 0.
import type { ComposeModel, MapEntry } from '../../engine/compose/model';
import { insertPairsIntoService, missingMeasure } from '../../engine/compose/absence';
import { replaceNode } from '../../engine/compose/edits';
import { isUnlimitedPids, pidsEntries, PIDS_LIMIT } from '../../engine/compose/limits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule, TextEdit } from '../../engine/types';

interface Weak {
  key: string;
  written: string;
  edit: TextEdit | undefined;
}

// Not preferred (never in fix-all): 256 processes is a guess that can break a forking service; the wizard offers it.
export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C062',
    title: 'No PID limit',
    description:
      'A service sets no `pids_limit` (or `deploy.resources.limits.pids`), or sets -1 / 0 (unlimited), so a fork bomb inside it can exhaust the host\'s process table.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['KICS 221e0658-cb2a-44e3-b08a-db96a341d6fa', 'CIS 5.29'],
    fixable: true,
    measure: { label: 'no PID limit', order: 6 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const weak: Hit<Weak>[] = [];
    for (const service of model.services) {
      if (!service.view) continue;
      const entries = pidsEntries(model, service);
      if (entries.length === 0) {
        const message = `Service "${service.name}" has no PID limit: a fork bomb inside it can exhaust the host's process table. Add "pids_limit: ${PIDS_LIMIT}".`;
        const fixes = () => {
          const edit = insertPairsIntoService(model, service, [['pids_limit', { scalar: PIDS_LIMIT }]]);
          return edit ? [{ title: `Add "pids_limit: ${PIDS_LIMIT}"`, edits: [edit], isPreferred: false }] : [];
        };
        findings.push(missingMeasure(model, service, message, fixes));
        continue;
      }
      for (const entry of entries) if (isUnlimitedPids(model, entry)) weak.push(weakHit(model, service, entry));
    }
    for (const group of groupByWritten(weak)) {
      const { key, written, edit } = group.data;
      const n = group.hits.length;
      findings.push({
        message: `"${key}: ${written}" leaves the number of processes of ${serviceNames(group)} unlimited: a fork bomb can exhaust the host's process table. Set a positive limit such as ${PIDS_LIMIT}.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: edit
          ? [{ title: isShared(group) ? `Set "${key}: ${PIDS_LIMIT}" in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : `Set "${key}: ${PIDS_LIMIT}"`, edits: [edit], isPreferred: false }]
          : [],
      });
    }
    return findings;
  },
};

function weakHit(model: ComposeModel, service: Hit<Weak>['service'], entry: MapEntry): Hit<Weak> {
  const scalar = model.scalar(entry.value)!;
  const via = entry.rawValue && entry.rawValue !== entry.value ? entry.via.concat({ kind: 'alias', node: entry.rawValue, range: model.rangeOf(entry.rawValue) }) : entry.via;
  // A variable (`${PIDS:-0}`) is the user's switch: it is not overwritten.
  const edit = scalar.quote === undefined || scalar.interpolated.hasVariables ? undefined : replaceNode(model.source, scalar.node, scalar.quote ? `${scalar.quote}${PIDS_LIMIT}${scalar.quote}` : PIDS_LIMIT);
  return { node: scalar.node, service, via, data: { key: entry.key, written: scalar.text, edit } };
}
