// CG-C110: a risk that exists only in the merged project (catalogue G-C10). A presence rule reports a
// value in another file of the project — an override (`compose.override.yaml`, a `COMPOSE_FILE` file),
// the base of an `extends: {file: …}`, a file brought in by `include:` — and the merged service gets it.
// The presence finding stays where the value is written; C110 shows it where this file receives it: on
// the service key (for an override, this file must be the first one that defines the service; for
// `extends`, on the extending service) or on the `include:` item. One C110 per receiving place and
// underlying rule, at the underlying severity, only for Error and Warning findings; values written in this
// same file (anchors, same-file `extends`) are reported where they are written and give none.
import type { ComposeModel } from '../../engine/compose/model';
import { isPresenceRule } from '../../engine/compose/project-findings';
import type { ReceivedRisk } from '../../engine/compose/project-files';
import type { Fix, Rule, RuleFinding } from '../../engine/types';
import { URI } from 'vscode-uri';

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C110',
    title: 'Risk added by another file of the project',
    description:
      'Another file of the Compose project (an override file, the base of an `extends`, a file brought in by `include:`) gives a service of this file a dangerous value that its own file reports: the service as Compose runs it has the risk.',
    kind: 'compose',
    severity: 'warning',
    equivalents: [],
    fixable: true,
  },
  check(_model, context) {
    // The findings come from the other files' own analyses (the project runs them), not from this model.
    const project = context.composeProject;
    if (!project) return [];
    const risks = project.receivedRisks((finding) => isPresenceRule(finding.ruleId) && (finding.severity === 'error' || finding.severity === 'warning'));
    const groups = new Map<string, ReceivedRisk[]>();
    for (const risk of risks) {
      const key = `${risk.range.start.line}:${risk.range.start.character}\0${risk.finding.ruleId}`;
      groups.set(key, [...(groups.get(key) ?? []), risk]);
    }
    const findings: RuleFinding[] = [];
    for (const group of groups.values()) {
      const first = group[0];
      const ruleId = first.finding.ruleId;
      const files = [...new Set(group.map((risk) => project.label(risk.file)))].map((file) => `"${file}"`).join(', ');
      const more = group.length > 1 ? ` (+${group.length - 1} more)` : '';
      const receiver = first.service !== undefined ? `Service "${first.service}" gets` : `The services included from "${first.include}" bring`;
      findings.push({
        message: `${receiver} a risk written in ${files}, which ${ruleId} reports there: ${first.finding.message}${more}`,
        range: first.range,
        severity: group.some((risk) => risk.finding.severity === 'error') ? 'error' : 'warning',
        related: group.map((risk) => ({ uri: URI.file(risk.file).toString(), range: risk.finding.range, message: `${ruleId}: ${risk.finding.message}` })),
        fixes: group.flatMap((risk) => fixInOtherFile(risk, project.label(risk.file))),
      });
    }
    return findings;
  },
};

/** The underlying finding's first fix, carried out in the file that writes the value (never preferred). */
function fixInOtherFile(risk: ReceivedRisk, label: string): Fix[] {
  const fix = risk.finding.fixes[0];
  if (!fix || fix.edits.length === 0) return [];
  return [{ title: `${fix.title} in ${label}`, edits: [], isPreferred: false, otherFiles: [{ path: risk.file, edits: fix.edits }, ...(fix.otherFiles ?? [])] }];
}
