// CG-D074: a service image without a HEALTHCHECK — none in the shipped chain, or the last one is
// `HEALTHCHECK NONE`. Without one, Docker and Compose cannot tell a hung service from a healthy
// one (no `service_healthy` dependencies, no restart of a wedged process under Swarm).
//
// "Off for non-service images": an image counts as a service only when its shipped chain EXPOSEs
// a port. CMD/ENTRYPOINT alone also describe batch jobs and command-line tools.
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { appendAfterStage, insertBefore, typedShippedStage } from './helpers';

/** The options the catalogue's snippet uses; the probe is a placeholder the user must replace. */
export const HEALTHCHECK_OPTIONS = '--interval=30s --timeout=5s --start-period=10s --retries=3';
export const HEALTHCHECK_PROBE = 'CMD ["<replace-with-probe-command>"]';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D074',
    title: 'Service image has no HEALTHCHECK',
    description:
      'The image EXPOSEs a port but defines no HEALTHCHECK (or turns it off), so Docker cannot tell a hung service from a healthy one. Add a HEALTHCHECK that probes the service.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: [
      'hadolint DL3057',
      'Trivy DS-0026',
      'CKV_DOCKER_2',
      'KICS b03a748a-542d-44f4-bb86-9199ab4fd2d5',
      'CIS 4.6',
      'Dockle CIS-DI-0006',
    ],
    fixable: true,
  },
  check(model, context) {
    if (!model.hasFrom) return []; // a fragment without FROM has no final image yet (catalogue §6.3)
    const stage = typedShippedStage(model, context);
    if (!stage) return [];
    const last = model.lastInChain(stage, 'HEALTHCHECK');
    if (last) {
      const instruction = last.instruction;
      const first = instruction.args[0];
      if (!first || first.value.toUpperCase() !== 'NONE') return [];
      return [
        {
          message: 'HEALTHCHECK NONE turns off the health check the base image defines, so Docker cannot tell a hung service from a healthy one.',
          range: first.range,
          fixes: [
            {
              title: 'Replace NONE with a HEALTHCHECK (edit the probe command)',
              edits: [{ range: instruction.argsRange ?? first.range, newText: `${HEALTHCHECK_OPTIONS} ${HEALTHCHECK_PROBE}` }],
              isPreferred: false,
            },
          ],
        },
      ];
    }
    const expose = model.lastInChain(stage, 'EXPOSE');
    if (!expose) return [];
    const finding: RuleFinding = {
      message: `The image EXPOSEs ${expose.instruction.argsText.trim() || 'a port'} but has no HEALTHCHECK, so Docker cannot tell a hung service from a healthy one.`,
      range: stage.image.range ?? stage.from.keywordRange,
      fixes: insertFix(model, stage),
    };
    return [finding];
  },
};

function insertFix(model: DockerfileModel, stage: Stage): Fix[] {
  const line = `HEALTHCHECK ${HEALTHCHECK_OPTIONS} ${HEALTHCHECK_PROBE}`;
  const cmd: Instruction | undefined = stage.instructions.find((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  const edit = cmd ? insertBefore(model, cmd, stage, [line]) : appendAfterStage(model, stage, [line]);
  return edit ? [{ title: 'Add a HEALTHCHECK (edit the probe command)', edits: [edit], isPreferred: false }] : [];
}
