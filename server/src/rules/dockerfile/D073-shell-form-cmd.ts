// CG-D073: the CMD / ENTRYPOINT the shipped image runs is in shell form, so PID 1 is
// `/bin/sh -c` and signals (docker stop) never reach the application. Only under a POSIX shell:
// cmd and PowerShell (and Windows base images) are another world.
import { startsAsRootThenDrops } from '../../engine/dockerfile/base-images';
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import { posixShellAt } from '../../engine/dockerfile/shell-kind';
import type { RuleFinding, Fix, Rule } from '../../engine/types';

/** Words that need no shell at all: letters, digits and `_ . / : = , @ % + -`. */
const PLAIN_WORD = /^[A-Za-z0-9_./:=,@%+-]+$/;
/** Variable references the shell would expand, with at most a plain default/alternative word. */
const VARIABLE = /\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-+][A-Za-z0-9_./:=,@%+-]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*/g;

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D073',
    title: 'CMD/ENTRYPOINT in shell form',
    description:
      'A shell-form CMD or ENTRYPOINT runs under `/bin/sh -c`: the shell is PID 1 and does not forward SIGTERM, so the application cannot shut down cleanly. Use the JSON (exec) form.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: [
      'hadolint DL3025',
      'BuildKit JSONArgsRecommended',
      'KICS b86987e1-6397-4619-81d5-8807f2387c79',
      'Semgrep dockerfile.best-practice.prefer-json-notation',
    ],
    fixable: true,
  },
  check(model, context) {
    const stage = model.shippedStage(context.buildTarget);
    if (!stage) return [];
    const findings: RuleFinding[] = [];
    const entrypoint = model.lastInChain(stage, 'ENTRYPOINT');
    for (const keyword of ['ENTRYPOINT', 'CMD']) {
      const last = keyword === 'ENTRYPOINT' ? entrypoint : model.lastInChain(stage, keyword);
      if (!last) continue;
      const instruction = last.instruction;
      if (!instruction.argsRange || instruction.argsText.trim() === '' || instruction.execForm !== null) continue;
      // A CMD of a parent stage is reset by an ENTRYPOINT set in a later stage: it never runs.
      if (keyword === 'CMD' && entrypoint && entrypoint.stage.index > last.stage.index) continue;
      const shell = posixShellAt(model, instruction);
      if (!shell) continue;
      const shellText = shell.join(' ');
      findings.push({
        message: `${keyword} is in shell form, so it runs under '${shellText}': the shell is PID 1 and does not pass SIGTERM on to the application. Use the JSON form ${keyword} ["executable", "arg"].`,
        range: instruction.argsRange,
        fixes: fixesFor(model, stage, last.stage, instruction, shell),
      });
    }
    return findings;
  },
};

function fixesFor(model: DockerfileModel, shipped: Stage, owner: Stage, instruction: Instruction, shell: string[]): Fix[] {
  const body = instruction.argsText.trim();
  // A body spread over continuation lines is left to the author.
  if (/[\r\n]/.test(instruction.rawArgs.trim())) return [];
  const words = body.split(/[ \t]+/);
  const range = instruction.argsRange!;
  if (words.every((w) => PLAIN_WORD.test(w))) {
    const json = `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
    // Exec form changes the arguments an exec-form ENTRYPOINT gets: the CMD's words instead of
    // `/bin/sh -c "…"`, or, for a converted ENTRYPOINT, the CMD appended where it was ignored.
    const note = instruction.keyword === 'ENTRYPOINT' ? (cmdWouldBeAppended(model, shipped, owner) ? 'CMD will then be passed as arguments' : null) : cmdReceiver(model, shipped);
    return [
      {
        title: `Convert to exec form: ${instruction.keyword} ${json}${note ? ` (${note})` : ''}`,
        edits: [{ range, newText: json }],
        isPreferred: note === null,
      },
    ];
  }
  const withoutVariables = body.replace(VARIABLE, 'x');
  if (withoutVariables !== body && withoutVariables.split(/[ \t]+/).every((w) => PLAIN_WORD.test(w))) {
    const argv = [...shell, `exec ${body}`];
    return [
      {
        title: `Run through ${shell.join(' ')} with exec, keeping variable expansion`,
        edits: [{ range, newText: `[${argv.map((a) => JSON.stringify(a)).join(', ')}]` }],
        isPreferred: false,
      },
    ];
  }
  return [];
}

/**
 * Which ENTRYPOINT gets the CMD as its arguments, as a title note; null when none does. The
 * chain's own ENTRYPOINT decides when it has one (exec form receives the CMD; shell form and
 * `ENTRYPOINT []` do not). Otherwise the base image's: unknown in general, but the images known
 * to start as root and drop privileges have an entrypoint script that branches on the first word
 * (`redis-server` runs under gosu, `/bin/sh` does not), so converting would change what it does.
 */
function cmdReceiver(model: DockerfileModel, shipped: Stage): string | null {
  const entrypoint = model.lastInChain(shipped, 'ENTRYPOINT')?.instruction;
  if (entrypoint) return entrypoint.execForm !== null && entrypoint.execForm.length > 0 ? 'the ENTRYPOINT will receive these words as arguments' : null;
  const root = model.chainOf(shipped)[0];
  return root && startsAsRootThenDrops(root.image.ref) ? "the base image's entrypoint will receive these words as arguments" : null;
}

/**
 * An exec-form ENTRYPOINT gets CMD appended; a shell-form one ignores it. Setting ENTRYPOINT
 * resets a CMD inherited from earlier images, so only a CMD in the ENTRYPOINT's stage or a later
 * stage of the chain would be appended.
 */
function cmdWouldBeAppended(model: DockerfileModel, shipped: Stage, owner: Stage): boolean {
  const cmd = model.lastInChain(shipped, 'CMD');
  return cmd !== undefined && cmd.stage.index >= owner.index;
}
