// CG-D031: an ENV whose name is a secret name (engine/secrets.ts). A literal value is stored in
// the image config, readable by anyone who can pull the image (Error in the shipped chain); a
// `$VAR` value copies a build argument into the config (Warning). Builder stages outside the
// shipped chain never reach the image config, so there a literal is a Warning too.
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { hasVariableReference, isLiteralSecretValue, isSecretName } from '../../engine/secrets';
import type { RuleFinding, Rule } from '../../engine/types';
import { declaredProperties, deletePropertyEdit } from './declarations';
import { stageLabel } from './helpers';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D031',
    title: 'Secret stored in ENV',
    description:
      'An ENV whose name says it holds a secret, set to a literal (Error) or to a build argument (Warning). ENV values are stored in the image config, where docker inspect shows them to anyone who can pull the image.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: [
      'hadolint DL3064',
      'BuildKit SecretsUsedInArgOrEnv',
      'Trivy DS-0031',
      'Semgrep dockerfile.security.secret-in-build-arg',
      'CIS 4.10',
      'KICS 781e75f7-bf43-4ab7-bae7-a08ad6607af3',
      'Dockle CIS-DI-0010',
    ],
    fixable: true,
  },
  check(model, context) {
    const shipped = new Set(model.shippedChain(context.buildTarget).map((s) => s.index));
    const findings: RuleFinding[] = [];
    for (const instruction of model.instructions) {
      const target: Instruction | null = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
      if (!target || target.keyword !== 'ENV') continue;
      const properties = declaredProperties(target);
      properties.forEach((property, index) => {
        if (!isSecretName(property.name)) return;
        const value = property.value;
        const literal = isLiteralSecretValue(value);
        const reference = !literal && value !== null && hasVariableReference(value, {});
        if (!literal && !reference) return;
        const inShipped = shipped.has(target.stageIndex);
        const stage = model.stages[target.stageIndex];
        let message: string;
        if (reference) {
          message = `ENV ${property.name} copies a variable (usually a build argument) into the image config, where docker inspect shows it. Use a build secret (RUN --mount=type=secret) for build steps, or pass the value at runtime.`;
        } else if (inShipped) {
          message = `ENV ${property.name} hard-codes a secret into the image config, where anyone who can pull the image reads it with docker inspect. Remove it and pass the value at runtime (Compose secrets or environment).`;
        } else {
          message = `ENV ${property.name} hard-codes a secret in build stage ${stage ? stageLabel(stage) : ''}; it stays in the Dockerfile and the build cache. Use a build secret (RUN --mount=type=secret) instead.`;
        }
        findings.push({
          message,
          range: property.nameRange,
          severity: literal && inShipped ? undefined : 'warning',
          fixes: [
            {
              title: `Delete ENV ${property.name} (set it at runtime instead)`,
              edits: [deletePropertyEdit(model, target, instruction, index)],
              isPreferred: false,
            },
          ],
        });
      });
    }
    return findings;
  },
};
