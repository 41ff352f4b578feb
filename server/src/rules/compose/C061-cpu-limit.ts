// CG-C061: the service has no CPU limit — none of `deploy.resources.limits.cpus`, `cpus`, `cpu_quota`,
// `cpu_shares`, `cpu_count`, `cpu_percent` or `cpuset` (`cpu_period` alone limits nothing) — or every
// CPU setting it writes is one that leaves CPU use unlimited (`cpus: 0`, `cpu_quota: -1`, …).
import { missingMeasure } from '../../engine/compose/absence';
import type { ComposeModel, ComposeService, MapEntry } from '../../engine/compose/model';
import { replaceNode } from '../../engine/compose/edits';
import { CPU_LIMIT, cpuEntries, isUnlimitedCpu, limitsFix } from '../../engine/compose/limits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule, TextEdit } from '../../engine/types';

interface Weak {
  key: string;
  written: string;
  edit: TextEdit | undefined;
}

// Not preferred (never in fix-all): one CPU is a guess that can starve a busy service; the wizard offers it.
export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C061',
    title: 'No CPU limit',
    description:
      'A service sets none of `deploy.resources.limits.cpus`, `cpus`, `cpu_quota`, `cpu_shares`, `cpu_count`, `cpu_percent` and `cpuset` (or only values that limit nothing, such as `cpus: 0`), so one busy or attacked container can starve the others of CPU.',
    kind: 'compose',
    severity: 'info',
    equivalents: ['KICS 6b610c50-99fb-4ef0-a5f3-e312fd945bc3', 'CIS 5.12'],
    fixable: true,
    measure: { label: 'no CPU limit', order: 5 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const weak: Hit<Weak>[] = [];
    for (const service of model.services) {
      if (!service.view) continue;
      const entries = cpuEntries(model, service);
      if (entries.length === 0) {
        const period = service.view.has('cpu_period') ? ' ("cpu_period" alone sets no limit: it is the period of a "cpu_quota")' : '';
        const message = `Service "${service.name}" has no CPU limit${period}: it can starve other containers. Set "deploy.resources.limits.cpus" (or "cpus").`;
        const fixes = () => {
          const fix = limitsFix(model, service);
          return fix ? [{ title: fix.title, edits: [fix.edit], isPreferred: false }] : [];
        };
        findings.push(missingMeasure(model, service, message, fixes));
        continue;
      }
      // A value that limits nothing is a finding on that value, unless another CPU setting limits.
      if (entries.every((entry) => isUnlimitedCpu(model, entry))) for (const entry of entries) weak.push(weakHit(model, service, entry));
    }
    for (const group of groupByWritten(weak)) {
      const { key, written, edit } = group.data;
      const n = group.hits.length;
      findings.push({
        message: `"${key}: ${written}" leaves the CPU use of ${serviceNames(group)} unlimited: it can starve other containers. Set a limit such as cpus: ${CPU_LIMIT}.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: edit
          ? [{ title: isShared(group) ? `Set "${key}: ${CPU_LIMIT}" in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : `Set "${key}: ${CPU_LIMIT}"`, edits: [edit], isPreferred: false }]
          : [],
      });
    }
    return findings;
  },
};

function weakHit(model: ComposeModel, service: ComposeService, entry: MapEntry): Hit<Weak> {
  const scalar = model.scalar(entry.value)!;
  const via = entry.rawValue && entry.rawValue !== entry.value ? entry.via.concat({ kind: 'alias', node: entry.rawValue, range: model.rangeOf(entry.rawValue) }) : entry.via;
  // Only `cpus` takes a number of CPUs; a variable (`${CPUS:-0}`) is the user's switch and is not overwritten.
  const edit = entry.key !== 'cpus' || scalar.quote === undefined || scalar.interpolated.hasVariables ? undefined : replaceNode(model.source, scalar.node, CPU_LIMIT);
  return { node: scalar.node, service, via, data: { key: entry.key, written: scalar.text === '' ? '""' : scalar.text, edit } };
}
