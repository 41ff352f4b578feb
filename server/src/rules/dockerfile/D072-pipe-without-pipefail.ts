// CG-D072: a shell-form RUN with a pipe while the shell runs without `-o pipefail`: a failure on
// the left of `|` (a download, typically) is ignored, and the build goes on with empty or partial
// input. Exec-form RUN has no shell and no pipes; `sh -c '…'` scripts have their own shell.
// `|` in quotes or in a `case` pattern is not a pipe: the shell reader (engine) knows.
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import { remoteScriptPipes } from '../../engine/dockerfile/remote-pipe';
import { baseName, commandsOf, programOf, type ShellCommand } from '../../engine/dockerfile/shell';
import { posixShellAt } from '../../engine/dockerfile/shell-kind';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { runInstructions, toolCall } from './commands';
import { insertBefore } from './helpers';

const DOWNLOADERS = new Set(['curl', 'wget']);
/** Builtins whose output cannot fail to be produced: `echo "$SHA *file" | sha256sum -c -`. */
const TEXT_ONLY = new Set(['echo', 'printf']);
/** Shells whose `set -o pipefail` works; Debian's /bin/sh (dash) is not one of them. */
const PIPEFAIL_SHELLS = new Set(['bash', 'ash', 'zsh', 'ksh', 'mksh']);

/** Whether a SHELL argv turns pipefail on (`-o pipefail`, `-eo pipefail`, `-euxo pipefail`). */
export function shellHasPipefail(shell: readonly string[]): boolean {
  for (let i = 1; i < shell.length; i++) {
    if (/^-[A-Za-z]*o$/.test(shell[i]) && shell[i + 1] === 'pipefail') return true;
  }
  return false;
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D072',
    title: 'Pipe in RUN without pipefail',
    description:
      'Under `/bin/sh -c` a pipeline succeeds when its last command does, so a failed download piped into another command goes unnoticed and the build continues with empty or partial input. Run the shell with `-o pipefail`.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['hadolint DL4006', 'KICS efbf148a-67e9-42d2-ac47-02fa1c0d0b22', 'Semgrep dockerfile.best-practice.set-pipefail'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const { instruction, stage } of runInstructions(model)) {
      if (instruction.execForm) continue;
      // Not under cmd or PowerShell, nor on a Windows base image (catalogue §6.3).
      const shell = posixShellAt(model, instruction);
      if (!shell || shellHasPipefail(shell)) continue;
      const pipes = unprotectedPipes(commandsOf(model, instruction));
      if (pipes.length === 0) continue;
      const download = pipes.find((p) => p.download);
      const pipe = download ?? pipes[0];
      const operator = pipeOperatorOffset(model, pipe.left);
      const at = operator ?? pipe.left.end;
      const left = toolCall(pipe.left)?.tool ?? pipe.left.argv[0]?.value ?? 'a command';
      findings.push({
        message: download
          ? `This RUN pipes the output of '${left}' into another command under '${shell.join(' ')}' without pipefail: if the download fails, the pipeline still succeeds and the build continues with empty or partial input. Run the shell with '-o pipefail'.`
          : `This RUN has a pipe under '${shell.join(' ')}' without pipefail: a failure of '${left}' on the left of '|' is ignored and the build goes on. Run the shell with '-o pipefail'.`,
        range: model.source.rangeOf(at, operator !== undefined ? at + (model.source.text[at + 1] === '&' ? 2 : 1) : at),
        severity: download ? 'warning' : undefined,
        fixes: stage ? fixesFor(model, stage, instruction, shell) : [],
      });
    }
    return findings;
  },
};

interface Pipe {
  /** The command on the left of `|`. */
  left: ShellCommand;
  /** Some command earlier in the same pipeline is curl or wget. */
  download: boolean;
}

/**
 * Pipes of the RUN's own script and of its here-document scripts, except those after a
 * `set -o pipefail` in the same script, those whose left side only prints text (echo, printf),
 * and those that carry a downloaded script into an interpreter: CG-D101's condition, which says
 * more about that pipe than pipefail does (catalogue §6.2, even when D101 is off).
 */
function unprotectedPipes(commands: ShellCommand[]): Pipe[] {
  const pipes: Pipe[] = [];
  const remoteScripts = remoteScriptPipes(commands);
  const protectedFrom = new Map<string, number>();
  let downloadInPipeline = false;
  for (const command of commands) {
    if (command.origin !== 'shell' && command.origin !== 'heredoc') continue;
    const script = `${command.origin}:${command.depth}`;
    if (setsPipefail(command) && !protectedFrom.has(script)) protectedFrom.set(script, command.start);
    const isPipe = command.after === '|' || command.after === '|&';
    const startsPipeline = command.before !== '|' && command.before !== '|&';
    if (startsPipeline) downloadInPipeline = false;
    if (DOWNLOADERS.has(toolCall(command)?.tool ?? '')) downloadInPipeline = true;
    if (!isPipe || remoteScripts.has(command) || TEXT_ONLY.has(programOf(command)?.name ?? '')) continue;
    const from = protectedFrom.get(script);
    if (from !== undefined && from < command.start) continue;
    pipes.push({ left: command, download: downloadInPipeline });
  }
  return pipes;
}

/** `set -o pipefail`, `set -eo pipefail`, `set -euxo pipefail`. */
function setsPipefail(command: ShellCommand): boolean {
  const argv = command.argv.map((w) => w.value);
  if (argv[0] !== 'set') return false;
  return argv.some((arg, i) => /^-[A-Za-z]*o$/.test(arg) && argv[i + 1] === 'pipefail');
}

/** Document offset of the `|` after a command, when it can be found between the two commands. */
function pipeOperatorOffset(model: DockerfileModel, left: ShellCommand): number | undefined {
  const end = left.nextStart ?? model.source.text.length;
  const index = model.source.text.slice(left.end, end).indexOf('|');
  return index < 0 ? undefined : left.end + index;
}

function fixesFor(model: DockerfileModel, stage: Stage, instruction: Instruction, shell: string[]): Fix[] {
  if (instruction.inOnbuild || !instruction.argsRange) return [];
  const family = model.baseImage(stage).family;
  const shellName = baseName(shell[0] ?? '');
  const fixes: Fix[] = [];
  let line: string | undefined;
  if (shellName === 'bash' || family === 'debian' || family === 'rhel') line = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]';
  else if (family === 'alpine' || shellName === 'ash') line = 'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]';
  if (line) {
    fixes.push({ title: `Insert ${line} before this RUN`, edits: [insertBefore(model, instruction, stage, [line])], isPreferred: false });
  }
  // `set -o pipefail` needs a shell that has it: bash/ash, Alpine's and RHEL's /bin/sh; not dash.
  const supports = PIPEFAIL_SHELLS.has(shellName) || (shellName === 'sh' && (family === 'alpine' || family === 'rhel'));
  if (supports && instruction.heredocs.length === 0) {
    const start = instruction.argsRange.start;
    fixes.push({ title: "Prefix the command with 'set -o pipefail && '", edits: [{ range: { start, end: start }, newText: 'set -o pipefail && ' }], isPreferred: false });
  }
  return fixes;
}
