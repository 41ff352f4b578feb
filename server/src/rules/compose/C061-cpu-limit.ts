// CG-C061: the service has no CPU limit (`deploy.resources.limits.cpus`, `cpus`, `cpu_quota` or `cpu_shares`).
import type { ComposeModel } from '../../engine/compose/model';
import { cpuEntries, limitsFix } from '../../engine/compose/limits';
import type { RuleFinding, Rule } from '../../engine/types';

// Not preferred (never in fix-all): one CPU is a guess that can starve a busy service; the wizard offers it.
export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C061',
    title: 'No CPU limit',
    description:
      'A service sets none of `deploy.resources.limits.cpus`, `cpus`, `cpu_quota` and `cpu_shares`, so one busy or attacked container can starve the others of CPU.',
    kind: 'compose',
    severity: 'info',
    equivalents: ['KICS 6b610c50-99fb-4ef0-a5f3-e312fd945bc3', 'CIS 5.12'],
    fixable: true,
    measure: { label: 'no CPU limit', order: 5 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const service of model.services) {
      if (!service.view || cpuEntries(model, service).length > 0) continue;
      const fix = limitsFix(model, service);
      findings.push({
        message: `Service "${service.name}" has no CPU limit: it can starve other containers. Set "deploy.resources.limits.cpus" (or "cpus").`,
        range: service.keyRange,
        absentIn: service.name,
        fixes: fix ? [{ title: fix.title, edits: [fix.edit], isPreferred: false }] : [],
      });
    }
    return findings;
  },
};
