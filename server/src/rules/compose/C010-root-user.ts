// CG-C010: service `user:` is root (`root`, `0`, `root:*`, `0:*`); also the `user:` of a lifecycle hook
// (`post_start`, `pre_stop` items), catalogue §6.3.
import type { ComposeModel } from '../../engine/compose/model';
import { insertPair, replaceNode } from '../../engine/compose/edits';
import { capitalize, partKeyHits, partOf, scalarKeyHits, type ServicePart, type ValueHit } from '../../engine/compose/presence';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule } from '../../engine/types';
import { isRootUserSpec } from '../../engine/users';

const NON_ROOT = '10001:10001';

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C010',
    title: 'Service runs as root',
    description:
      'A service sets `user:` to root (`root`, `0`, `root:<group>`, `0:<gid>`), overriding any non-root USER of its image, so a compromised process is root in the container. Also a lifecycle hook that runs as root.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['CIS 4.1'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    // Only known values: `user` is not among §4.8's high-impact keys, and `${UID}` is usually non-root.
    const hits: Hit<ValueHit & { part?: ServicePart }>[] = scalarKeyHits(model, 'user', isRootUserSpec);
    hits.push(...partKeyHits(model, ['post_start', 'pre_stop'], 'user', isRootUserSpec));
    for (const group of groupByWritten(hits)) {
      const { scalar, part } = group.data;
      const fixes: Fix[] = [];
      const n = group.hits.length;
      if (part) {
        // No fix: a hook runs as root to do what the service's user cannot (the documented use is a
        // `chown` of a volume); who runs it is the author's decision.
        findings.push({
          message: `${capitalize(partOf(part, group))} runs as root ("user: ${scalar.text}"). Make sure its command needs root; otherwise run it as the service's non-root user.`,
          range: model.rangeOf(group.node),
          related: receiversInfo(group),
          fixes,
        });
        continue;
      }
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
        if (!mergePair) continue;
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
