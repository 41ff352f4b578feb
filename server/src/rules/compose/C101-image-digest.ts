// CG-C101: a service `image:` that is not pinned by digest (`@sha256:…`).
import type { ComposeModel, ScalarInfo } from '../../engine/compose/model';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import { parseImageRef } from '../../engine/dockerfile/image-ref';
import type { Finding, Rule } from '../../engine/types';

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
    severity: 'info',
    strictSeverity: 'warning',
    equivalents: [],
    fixable: false,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const view = service.view;
      // With `build:`, `image:` names the build's output; the base image is pinned in the Dockerfile (CG-D003).
      if (!view || view.has('build')) continue;
      const entry = view.get('image');
      const scalar = model.scalar(entry?.value);
      if (!entry?.value || !scalar || scalar.isNull) continue;
      const text = scalar.interpolated.text.trim();
      if (text === '') continue;
      // The digest lives after the last `/`: an unresolved variable there may hold one.
      const last = text.slice(text.lastIndexOf('/') + 1);
      if (last.includes(UNKNOWN) || parseImageRef(text).digest !== null) continue;
      hits.push({ node: entry.value, service, via: entry.via, data: { scalar, image: text.split(UNKNOWN).join('${…}') } });
    }
    const findings: Finding[] = [];
    for (const group of groupByWritten(hits)) {
      findings.push({
        ruleId: rule.meta.id,
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
