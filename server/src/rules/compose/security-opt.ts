// Shared by CG-C024–C026: a `security_opt` item that switches a kernel confinement off
// (`seccomp:unconfined`, `apparmor:unconfined`, `label:disable`; `=` works as well as `:`).
import type { ComposeModel } from '../../engine/compose/model';
import { deleteSequenceItem } from '../../engine/compose/edits';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule, RuleMeta, TextEdit } from '../../engine/types';

export interface SecurityOptSpec {
  meta: RuleMeta;
  /** The option name (`seccomp`, `apparmor`, `label`). */
  option: string;
  /** The value that disables it (`unconfined`, `disable`). */
  value: string;
  /** What is switched off, e.g. "Docker's default seccomp profile". */
  lost: string;
  /** Why it matters, one sentence ending with a period. */
  risk: string;
  /** What to do instead, one sentence ending with a period. */
  advice: string;
}

interface Data {
  text: string;
  edit: TextEdit | undefined;
}

export function securityOptRule(spec: SecurityOptSpec): Rule<ComposeModel> {
  // Docker's parser (daemon `parseSecurityOpt`) is case-sensitive and accepts `=` and the older `:`.
  const pattern = new RegExp(`^${spec.option}[:=]${spec.value}$`);
  return {
    meta: spec.meta,
    check(model) {
      const hits: Hit<Data>[] = [];
      for (const service of model.services) {
        const entry = service.view?.get('security_opt');
        if (!entry) continue;
        for (const item of model.entryItems(entry)) {
          const scalar = model.scalar(item.node);
          if (!scalar || !item.node || !scalar.interpolated.known) continue;
          if (!pattern.test(scalar.interpolated.value!.trim())) continue;
          const removable = item.raw === item.node && !model.hasReferencedAnchor(item.raw);
          const edit = removable ? deleteSequenceItem(model.source, item.seq, item.index) : undefined;
          hits.push({ node: item.node, service, via: item.via, data: { text: scalar.text, edit } });
        }
      }
      const findings: RuleFinding[] = [];
      for (const group of groupByWritten(hits)) {
        const { text, edit } = group.data;
        const fixes: Fix[] = [];
        if (edit) {
          const n = group.hits.length;
          fixes.push({
            title: isShared(group) ? `Remove "${text}" in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : `Remove "${text}"`,
            edits: [edit],
            // The service may have been given it to make something work: never applied unattended.
            isPreferred: false,
          });
        }
        findings.push({
          message: `"${text}" turns off ${spec.lost} for ${serviceNames(group)}. ${spec.risk} ${spec.advice}`,
          range: model.rangeOf(group.node),
          related: receiversInfo(group),
          fixes,
        });
      }
      return findings;
    },
  };
}

