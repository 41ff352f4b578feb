// CG-D073: the CMD / ENTRYPOINT the shipped image runs is in shell form, so PID 1 is
// `/bin/sh -c` and signals (docker stop) never reach the application.
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import type { RuleFinding, Fix, Rule } from '../../engine/types';

/** Words that need no shell at all: letters, digits and `_ . / : = , @ % + -`. */
const PLAIN_WORD = /^[A-Za-z0-9_./:=,@%+-]+$/;
/** Variable references the shell would expand, with at most a plain default/alternative word. */
const VARIABLE = /\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-+][A-Za-z0-9_./:=,@%+-]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*/g;
const POSIX_SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);

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
    for (const keyword of ['ENTRYPOINT', 'CMD']) {
      const last = model.lastInChain(stage, keyword);
      if (!last) continue;
      const instruction = last.instruction;
      if (!instruction.argsRange || instruction.argsText.trim() === '' || instruction.execForm !== null) continue;
      findings.push({
        message: `${keyword} is in shell form, so it runs under '/bin/sh -c': the shell is PID 1 and does not pass SIGTERM on to the application. Use the JSON form ${keyword} ["executable", "arg"].`,
        range: instruction.argsRange,
        fixes: fixesFor(model, stage, last.stage, instruction),
      });
    }
    return findings;
  },
};

function fixesFor(model: DockerfileModel, shipped: Stage, owner: Stage, instruction: Instruction): Fix[] {
  const body = instruction.argsText.trim();
  // A body spread over continuation lines is left to the author.
  if (/[\r\n]/.test(instruction.rawArgs.trim())) return [];
  const words = body.split(/[ \t]+/);
  const range = instruction.argsRange!;
  if (words.every((w) => PLAIN_WORD.test(w))) {
    const appendsCmd = instruction.keyword === 'ENTRYPOINT' && cmdWouldBeAppended(model, shipped, owner);
    return [
      {
        title: appendsCmd
          ? `Convert to exec form: ${instruction.keyword} [${words.map((w) => JSON.stringify(w)).join(', ')}] (CMD will then be passed as arguments)`
          : `Convert to exec form: ${instruction.keyword} [${words.map((w) => JSON.stringify(w)).join(', ')}]`,
        edits: [{ range, newText: `[${words.map((w) => JSON.stringify(w)).join(', ')}]` }],
        isPreferred: !appendsCmd,
      },
    ];
  }
  const withoutVariables = body.replace(VARIABLE, 'x');
  if (withoutVariables !== body && withoutVariables.split(/[ \t]+/).every((w) => PLAIN_WORD.test(w))) {
    const shell = model.effectiveShell(shipped);
    const name = shell[0]?.slice(shell[0].lastIndexOf('/') + 1) ?? '';
    if (!POSIX_SHELLS.has(name)) return [];
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
 * An exec-form ENTRYPOINT gets CMD appended; a shell-form one ignores it. Setting ENTRYPOINT
 * resets a CMD inherited from earlier images, so only a CMD in the ENTRYPOINT's stage or a later
 * stage of the chain would be appended.
 */
function cmdWouldBeAppended(model: DockerfileModel, shipped: Stage, owner: Stage): boolean {
  const cmd = model.lastInChain(shipped, 'CMD');
  return cmd !== undefined && cmd.stage.index >= owner.index;
}
