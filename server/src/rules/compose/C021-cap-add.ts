// CG-C021: `cap_add` grants ALL or a capability outside Docker's default set.
import type { ComposeModel } from '../../engine/compose/model';
import { deleteSequenceItem } from '../../engine/compose/edits';
import { capitalize } from '../../engine/compose/presence';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule, TextEdit } from '../../engine/types';
import { DANGEROUS_CAPABILITIES, DEFAULT_CAPABILITIES, capabilityName } from '../../engine/compose/capabilities';

interface Data {
  name: string;
  text: string;
  dangerous: boolean;
  edit: TextEdit | undefined;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C021',
    title: 'Dangerous capability added',
    description:
      "`cap_add` grants ALL or a capability outside Docker's default set. SYS_ADMIN, SYS_MODULE, SYS_PTRACE, NET_ADMIN and the like are Errors: each one is, or easily becomes, root on the host.",
    kind: 'compose',
    severity: 'error',
    equivalents: ['KICS ce76b7d0-9e77-464d-b86f-c5c48e03e22d', 'CIS 5.4'],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('cap_add');
      if (!entry) continue;
      for (const item of model.entryItems(entry)) {
        const scalar = model.scalar(item.node);
        // An unresolved variable is not judged (capabilities are not among §4.8's high-impact keys).
        if (!scalar || !item.node || scalar.isNull || !scalar.interpolated.known) continue;
        const name = capabilityName(scalar.interpolated.value!);
        if (name === '' || DEFAULT_CAPABILITIES.has(name)) continue;
        const removable = item.raw === item.node && !model.hasReferencedAnchor(item.raw);
        const edit = removable ? deleteSequenceItem(model.source, item.seq, item.index) : undefined;
        hits.push({ node: item.node, service, via: item.via, data: { name, text: scalar.text, dangerous: DANGEROUS_CAPABILITIES.has(name), edit } });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { name, text, dangerous, edit } = group.data;
      const fixes: Fix[] = [];
      if (edit) {
        const n = group.hits.length;
        fixes.push({
          title: isShared(group) ? `Remove "${text}" from "cap_add" in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : `Remove "${text}" from "cap_add"`,
          edits: [edit],
          // The service was given the capability for a reason: never removed unattended.
          isPreferred: false,
        });
      }
      const names = serviceNames(group);
      const verb = group.hits.length === 1 ? 'gets' : 'get';
      findings.push({
        ...(dangerous ? {} : { severity: 'warning' as const }),
        message: dangerous
          ? name === 'ALL'
            ? `${capitalize(names)} ${verb} every Linux capability ("cap_add: ${text}"), which is nearly as powerful as privileged mode. Add only the specific capabilities needed.`
            : `${capitalize(names)} ${verb} ${name}, a capability that is, or easily becomes, root on the host. Remove it, or isolate what needs it in a small dedicated service.`
          : `${capitalize(names)} ${verb} ${name}, which is not in Docker's default capability set. Make sure it is needed.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes,
      });
    }
    return findings;
  },
};
