// CG-D001: FROM <image> with neither a tag nor a digest (so it silently means `:latest`).
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { registryImages, relatedToImageArgs } from './helpers';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D001',
    title: 'Base image without tag or digest',
    description:
      'A FROM image with no tag and no digest means `:latest`, which changes whenever the publisher pushes. Pin a version tag, ideally with a digest.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [
      'hadolint DL3006',
      'Trivy DS-0001',
      'CKV_DOCKER_7',
      'KICS 9efb0b2d-89c9-41a3-91ca-dcc0aec911fd',
      'Semgrep dockerfile.best-practice.missing-image-version',
      'Dockle DKL-DI-0006',
    ],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const { image, ref } of registryImages(model)) {
      if (ref.tag !== null || ref.digest !== null) continue;
      findings.push({
        message: `Base image '${image.resolved}' has no tag or digest, so it means '${image.resolved}:latest' and can change on every build. Pin a version tag (and a digest).`,
        range: image.range,
        related: relatedToImageArgs(image),
        fixes: [],
      });
    }
    return findings;
  },
};
