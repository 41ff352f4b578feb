// CG-D003: FROM image with a fixed tag but without a `@sha256:` digest. A tag can be re-pushed;
// only a digest names exactly one image. A malformed digest is reported too: the build would fail
// on it. An image without a tag or with a floating tag is CG-D001's / CG-D002's (one risk, one
// finding: catalogue §6.2), decided on their condition even when those rules are off.
import type { Range } from 'vscode-languageserver-types';
import { hasMovingTag, isValidReference } from '../../engine/dockerfile/image-ref';
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { registryImages, relatedToDeclarations, type RegistryImage } from './helpers';

function relatedArgs(image: RegistryImage['image']) {
  if (image.usedArgs.length === 0) return undefined;
  return relatedToDeclarations(image.usedArgs, (d) => `'${image.resolved}' comes from the default of ARG ${d.name}; add the digest here.`);
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D003',
    title: 'Base image not pinned to a digest',
    description:
      'A FROM image without `@sha256:<digest>` can change under the same tag whenever the publisher pushes. Append the digest to pin exactly one image (keep the tag for readers).',
    kind: 'dockerfile',
    // A Hint in baseline, as Docker's own language server reports it (catalogue §6.2).
    severity: 'hint',
    strictSeverity: 'warning',
    equivalents: ['Semgrep dockerfile.audit.dockerfile-source-not-pinned', 'DLS not_pinned_digest'],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const { image, ref } of registryImages(model)) {
      if (ref.digest !== null && ref.digestValid) continue;
      if (hasMovingTag(ref)) continue;
      // An invalid reference does not build at all (CG-D005 reports those that come from an ARG).
      if (ref.digest === null && !isValidReference(image.resolved)) continue;
      const literal = !image.hasVariables && image.range.start.line === image.range.end.line && image.text === image.resolved;
      if (ref.digest !== null) {
        // Malformed: point at the digest itself when it is written literally.
        let range: Range = image.range;
        if (literal) {
          const start = image.range.start.character + ref.digestStart;
          range = {
            start: { line: image.range.start.line, character: start },
            end: { line: image.range.start.line, character: start + ref.digest.length },
          };
        }
        findings.push({
          message: `The digest '${ref.digest}' of base image '${image.resolved}' is malformed: a digest is 'sha256:' followed by 64 lower-case hex digits, and the build rejects anything else.`,
          range,
          severity: 'error',
          related: relatedArgs(image),
          fixes: [],
        });
        continue;
      }
      findings.push({
        message: `Base image '${image.resolved}' is not pinned to a digest, so the same tag can bring a different image on the next build. Append '@sha256:<digest>' to the reference.`,
        range: image.range,
        related: relatedArgs(image),
        fixes: [],
      });
    }
    return findings;
  },
};
