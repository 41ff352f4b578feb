// CG-D002: FROM image with a floating/channel tag (`latest`, `stable`, `lts-alpine` …) and no digest.
import type { Range } from 'vscode-languageserver-types';
import { isFloatingTag } from '../../engine/dockerfile/image-ref';
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { registryImages, relatedToImageArgs } from './helpers';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D002',
    title: 'Base image uses a floating tag',
    description:
      'A FROM tag such as `latest`, `stable` or `lts-alpine` is a moving channel: every build can get a different image. Pin a version tag, ideally with a digest.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [
      'hadolint DL3007',
      'Trivy DS-0001',
      'CKV_DOCKER_7',
      'KICS f45ea400-6bbe-4501-9fc7-1c3d75c32067',
      'Semgrep dockerfile.best-practice.avoid-latest-version',
      'Dockle DKL-DI-0006',
    ],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const { image, ref } of registryImages(model)) {
      if (ref.digest !== null || ref.tag === null || !isFloatingTag(ref.tag)) continue;
      let range: Range = image.range;
      // A literal token on one line: point at the tag itself.
      if (!image.hasVariables && image.range.start.line === image.range.end.line && image.text === image.resolved) {
        const start = image.range.start.character + ref.tagStart;
        range = {
          start: { line: image.range.start.line, character: start },
          end: { line: image.range.start.line, character: start + ref.tag.length },
        };
      }
      findings.push({
        message: `Base image tag '${ref.tag}' is a floating tag: '${image.resolved}' can be a different image on every build. Pin a version tag (and a digest).`,
        range,
        related: relatedToImageArgs(image),
        fixes: [],
      });
    }
    return findings;
  },
};
