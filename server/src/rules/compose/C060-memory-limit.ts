// CG-C060: the service has no memory limit (`deploy.resources.limits.memory` or `mem_limit`).
import { missingMeasure } from '../../engine/compose/absence';
import type { ComposeModel } from '../../engine/compose/model';
import { limitsFix, memoryEntries } from '../../engine/compose/limits';
import type { RuleFinding, Rule } from '../../engine/types';

// Not preferred (never in fix-all): 512M is a guess that can kill a bigger service; the wizard offers it.
export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C060',
    title: 'No memory limit',
    description:
      'A service sets neither `deploy.resources.limits.memory` nor `mem_limit`, so one leaking or attacked container can use all of the host\'s memory.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['KICS bb9ac4f7-e13b-423d-a010-c74a1bfbe492', 'CIS 5.11'],
    fixable: true,
    measure: { label: 'no memory limit', order: 4 },
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const service of model.services) {
      if (!service.view || memoryEntries(model, service).length > 0) continue;
      const message = `Service "${service.name}" has no memory limit: it can exhaust the host's memory. Set "deploy.resources.limits.memory" (or "mem_limit").`;
      const fixes = () => {
        const fix = limitsFix(model, service);
        return fix ? [{ title: fix.title, edits: [fix.edit], isPreferred: false }] : [];
      };
      findings.push(missingMeasure(model, service, message, fixes));
    }
    return findings;
  },
};
