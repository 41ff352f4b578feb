// CG-D001: FROM <image> with neither a tag nor a digest (so it silently means `:latest`).
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { Finding, Rule } from '../../engine/types';
import { relatedToDeclarations } from './helpers';

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
    const findings: Finding[] = [];
    for (const stage of model.stages) {
      const image = stage.image;
      if (!image.range || !image.ref || image.resolved === null) continue; // absent or unresolved (D005)
      if (image.isScratch || image.stageRef) continue;
      if (image.resolved.includes('$')) continue;
      const ref = image.ref;
      if (ref.tag !== null || ref.digest !== null) continue;
      const fromArg = image.usedArgs.length > 0;
      findings.push({
        ruleId: 'CG-D001',
        message: `Base image '${image.resolved}' has no tag or digest, so it means '${image.resolved}:latest' and can change on every build. Pin a version tag (and a digest).`,
        range: image.range,
        related: fromArg
          ? relatedToDeclarations(image.usedArgs, (d) => `'${image.resolved}' comes from the default of ARG ${d.name}; pin the tag here.`)
          : undefined,
        fixes: [],
      });
    }
    return findings;
  },
};
