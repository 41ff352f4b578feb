// CG-D030: an ARG whose name is a secret name (engine/secrets.ts). Build arguments end up in the
// image history and in build provenance, so a secret passed with --build-arg leaks; BuildKit's
// build secrets (`RUN --mount=type=secret`) do not. Reported in every stage.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import { isSecretName } from '../../engine/secrets';
import type { RuleFinding, Rule } from '../../engine/types';
import { declaredProperties } from './declarations';
import { buildSecretFix } from './secret-mount';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D030',
    title: 'Secret passed as a build argument',
    description:
      'An ARG whose name says it holds a secret (password, token, key …). Build arguments are recorded in the image history and build provenance; pass secrets with RUN --mount=type=secret instead.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [
      'hadolint DL3064',
      'BuildKit SecretsUsedInArgOrEnv',
      'Trivy DS-0031',
      'Semgrep dockerfile.security.secret-in-build-arg',
      'CIS 4.10',
    ],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const instruction of model.instructions) {
      const target = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
      if (!target || target.keyword !== 'ARG') continue;
      for (const property of declaredProperties(target)) {
        if (!isSecretName(property.name)) continue;
        const fix = target === instruction ? buildSecretFix(model, instruction, property.name) : null;
        findings.push({
          message: `ARG ${property.name} looks like a secret: build arguments are kept in the image history and build provenance. Pass it as a build secret (RUN --mount=type=secret) instead.`,
          range: property.nameRange,
          fixes: fix ? [fix] : [],
        });
      }
    }
    return findings;
  },
};
