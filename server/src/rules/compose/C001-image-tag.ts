// CG-C001: service `image:` without a tag, or with a floating tag (`latest`, `stable` …), and no digest.
import type { Range } from 'vscode-languageserver-types';
import type { ComposeModel, ScalarInfo } from '../../engine/compose/model';
import { pulledImages } from '../../engine/compose/images';
import { groupByWritten, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import { hasMovingTag, parseImageRef } from '../../engine/dockerfile/image-ref';
import type { RuleFinding, Rule } from '../../engine/types';

interface Data {
  scalar: ScalarInfo;
  /** The resolved reference. */
  image: string;
  /** The floating tag, or null when there is no tag. */
  tag: string | null;
  /** Offset of the tag in the scalar's text (-1: none). */
  tagStart: number;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C001',
    title: 'Service image without a fixed tag',
    description:
      'A service `image:` has no tag (so it means `:latest`) or a floating tag such as `latest` or `stable`, and no digest: every pull can get a different image.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['dclint service-image-require-explicit-tag', 'Trivy USR-COMPOSE-0001'],
    fixable: false,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const { service, entry, node, scalar, text, unknownTagOrDigest, shown } of pulledImages(model)) {
      const ref = parseImageRef(text);
      // The tag and digest live after the last `/`: an unresolved variable there could be anything.
      if (unknownTagOrDigest || !hasMovingTag(ref)) continue;
      // Offsets into the resolved text map to the file only when nothing was substituted or trimmed.
      const tagStart = ref.tag !== null && scalar.text === text ? ref.tagStart : -1;
      hits.push({ node, service, via: entry.via, data: { scalar, image: shown, tag: ref.tag, tagStart } });
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { scalar, image, tag, tagStart } = group.data;
      let range: Range = model.rangeOf(group.node);
      // A plain one-line value: point at the tag itself.
      if (tag !== null && tagStart >= 0 && scalar.verbatim && range.start.line === range.end.line) {
        const start = range.start.character + (scalar.quote ? 1 : 0) + tagStart;
        range = { start: { line: range.start.line, character: start }, end: { line: range.start.line, character: start + tag.length } };
      }
      const names = serviceNames(group);
      findings.push({
        message:
          tag === null
            ? `Image '${image}' of ${names} has no tag or digest, so it means '${image}:latest' and can change on every pull. Pin a version tag (and a digest).`
            : `Image tag '${tag}' of ${names} is a floating tag: '${image}' can be a different image on every pull. Pin a version tag (and a digest).`,
        range,
        related: receiversInfo(group),
        // Pinning needs a registry lookup (assisted, on request): no offline fix.
        fixes: [],
      });
    }
    return findings;
  },
};
