// CG-D107: a RUN asks the builder for privileges: `--security=insecure` (documented by BuildKit as
// the equivalent of `docker run --privileged`) or `--network=host`. Both need daemon entitlements
// that CI systems often grant globally, so any Dockerfile built there gets root on the builder.
import type { DockerfileModel, Instruction, InstructionFlag } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { deleteSpanEdit } from './commands';

const PRIVILEGED: Record<string, { value: string; why: string }> = {
  security: { value: 'insecure', why: 'runs the step like `docker run --privileged`, with full access to the build host' },
  network: { value: 'host', why: "gives the step the build host's network, including services bound to localhost" },
};

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D107',
    title: 'Privileged build step',
    description:
      'A RUN uses `--security=insecure` or `--network=host`. Both need builder entitlements that CI systems often grant to every build, so the step gets root-level access to the build host. Remove the flag.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const top of model.instructions) {
      const run = top.keyword === 'RUN' ? top : top.trigger?.keyword === 'RUN' ? top.trigger : null;
      if (!run) continue;
      for (const flag of run.flags) {
        const privileged = PRIVILEGED[flag.name];
        if (privileged && flag.value === privileged.value) findings.push(finding(model, run, flag, privileged.why));
      }
    }
    return findings;
  },
};

function finding(model: DockerfileModel, run: Instruction, flag: InstructionFlag, why: string): RuleFinding {
  const { source } = model;
  const written = `--${flag.name}=${flag.value}`;
  return {
    message: `RUN ${written} ${why}; builders that allow it for one Dockerfile allow it for all. Remove the flag unless this build really needs it.`,
    range: flag.range,
    fixes: [
      {
        title: `Remove '${written}'`,
        edits: [deleteSpanEdit(model, source.offsetAt(flag.range.start), source.offsetAt(flag.range.end))],
        isPreferred: false,
      },
    ],
  };
}
