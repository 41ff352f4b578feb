// CG-C101: a service `image:` with a fixed tag that is not pinned by digest (`@sha256:…`). An image
// without a tag or with a floating tag is CG-C001's (one risk, one finding: catalogue §6.2), decided
// on C001's condition even when C001 is off or suppressed.
import type { ComposeModel, ScalarInfo } from '../../engine/compose/model';
import { pulledImages } from '../../engine/compose/images';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import { hasMovingTag, parseImageRef } from '../../engine/dockerfile/image-ref';
import type { RuleFinding, Rule } from '../../engine/types';

interface Data {
  scalar: ScalarInfo;
  /** The resolved reference, unknown parts shown as `${…}`. */
  image: string;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C101',
    title: 'Service image not pinned by digest',
    description:
      'A service `image:` has no `@sha256:` digest: a tag can be moved to a different image, so the image that runs is whatever the registry serves at pull time.',
    kind: 'compose',
    // A Hint in baseline, as Docker's own language server reports an unpinned digest (catalogue §6.2).
    severity: 'hint',
    strictSeverity: 'warning',
    equivalents: [],
    fixable: false,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const { service, entry, node, scalar, text, unknownTagOrDigest, shown } of pulledImages(model)) {
      // The digest lives after the last `/`: an unresolved variable there may hold one.
      if (unknownTagOrDigest) continue;
      const ref = parseImageRef(text);
      if (ref.digest !== null || hasMovingTag(ref)) continue;
      hits.push({ node, service, via: entry.via, data: { scalar, image: shown } });
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      findings.push({
        message: `Image '${group.data.image}' of ${serviceNames(group)} is not pinned by digest: the tag can be moved to a different image. Append '@sha256:<digest>' to run exactly the image you reviewed.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        // The digest needs a registry lookup (assisted, on request): no offline fix.
        fixes: [],
      });
    }
    return findings;
  },
};
