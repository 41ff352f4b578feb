// CG-C010: service `user:` is root (`root`, `0`, `root:*`, `0:*`).
import type { ComposeModel } from '../../engine/compose/model';
import { insertPair, replaceNode } from '../../engine/compose/edits';
import { capitalize, scalarKeyHits } from '../../engine/compose/presence';
import { groupByWritten, isShared, receiversInfo, serviceNames } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule } from '../../engine/types';
import { isRootUser } from '../dockerfile/helpers';

const NON_ROOT = '10001:10001';

/** `root`, uid 0 (`0`, `00`) or ContainerAdministrator, with any group after `:`. */
export function isRootUserSpec(value: string): boolean {
  return isRootUser(value.split(':')[0].trim());
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C010',
    title: 'Service runs as root',
    description:
      'A service sets `user:` to root (`root`, `0`, `root:<group>`, `0:<gid>`), overriding any non-root USER of its image, so a compromised process is root in the container.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['CIS 4.1'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    // Only known values: `user` is not among §4.8's high-impact keys, and `${UID}` is usually non-root.
    const hits = scalarKeyHits(model, 'user', isRootUserSpec);
    for (const group of groupByWritten(hits)) {
      const { scalar } = group.data;
      const fixes: Fix[] = [];
      const n = group.hits.length;
      if (scalar.quote !== undefined) {
        fixes.push({
          title: isShared(group) ? `Run as "${NON_ROOT}" in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : `Run as "${NON_ROOT}"`,
          edits: [replaceNode(model.source, group.node, `"${NON_ROOT}"`)],
          // The image may need root (file ownership, low ports): never changed unattended.
          isPreferred: false,
        });
      }
      // Catalogue §4.7: "only in <service>" overrides the anchor's value on the line after that service's `<<:`.
      for (const hit of group.hits) {
        const step = hit.via[0];
        const own = hit.service.ownMap;
        if (step?.kind !== 'merge' || !own) continue;
        const mergePair = own.items.find((pair) => pair.key === step.node);
        const edit = insertPair(model.source, model.style, own, 'user', { scalar: `"${NON_ROOT}"` }, { after: mergePair as never });
        if (edit) fixes.push({ title: `Run as "${NON_ROOT}" only in service "${hit.service.name}"`, edits: [edit], isPreferred: false });
      }
      findings.push({
        message: `${capitalize(serviceNames(group))} run${n === 1 ? 's' : ''} as root ("user: ${scalar.text}"), overriding any non-root user of the image. Use a non-root uid:gid such as "${NON_ROOT}" (or the image's own non-root user).`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes,
      });
    }
    return findings;
  },
};
