// CG-C022: the merged service has no `security_opt`, or an empty one (`[]`, `!reset []`, a bare key).
import { isSeq } from 'yaml';
import type { ComposeModel } from '../../engine/compose/model';
import { addSecurityOptFixes, NO_NEW_PRIVILEGES as OPTION, writtenList } from '../../engine/compose/absence';
import { appendSequenceItem, fillEmptyValue } from '../../engine/compose/edits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { RuleFinding, Rule, TextEdit } from '../../engine/types';


export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C022',
    title: 'No security options',
    description:
      'A service sets no `security_opt` at all (or an empty list), so none of no-new-privileges, a seccomp, AppArmor or SELinux profile is chosen for it.',
    kind: 'compose',
    // Off by default (catalogue §6.2): CG-C023 reports the same absence with a fix; switch it on in `rules:`.
    severity: 'off',
    equivalents: ['KICS 610e266e-6c12-4bca-9925-1ed0cd29742b'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const empty: Hit<TextEdit | undefined>[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view) continue;
      const entry = view.get('security_opt');
      if (!entry) {
        findings.push({
          message: `Service "${service.name}" sets no "security_opt". Add at least "${OPTION}".`,
          range: service.keyRange,
          fixes: addSecurityOptFixes(model, service),
        });
        continue;
      }
      const value = entry.value;
      let edit: TextEdit | undefined;
      if (isSeq(value)) {
        if (value.items.length > 0) continue;
        edit = appendSequenceItem(model.source, value, value.flow ? `"${OPTION}"` : OPTION);
      } else {
        const scalar = model.scalar(value);
        if (value && !scalar?.isNull) continue;
        edit = fillEmptyValue(model.source, entry.pair, { sequence: [OPTION] });
      }
      const written = writtenList(model, entry);
      empty.push({ node: written.node, service, via: written.via, data: edit });
    }
    for (const group of groupByWritten(empty)) {
      const edit = group.data;
      const n = group.hits.length;
      findings.push({
        message: `"security_opt" is empty for ${serviceNames(group)}. Add at least "${OPTION}".`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: edit
          ? [{ title: isShared(group) ? `Add "${OPTION}" in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : `Add "${OPTION}"`, edits: [edit], isPreferred: false }]
          : [],
      });
    }
    return findings;
  },
};
