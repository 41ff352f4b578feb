// CG-D022: `sudo` in a RUN, as the command of any `&&`/`;`/`||`/`|` segment (or argv[0] of the
// exec form). Build steps already run as the USER in effect; sudo in an image means either a
// no-op as root, or a sudo binary and sudoers rule left for the runtime user to escalate with.
import type { TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { baseName, commandsOf, type ShellCommand, type ShellWord } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { deleteWordsEdit } from './commands';
import { effectiveInstructions } from './declarations';
import { insertBefore } from './helpers';
import { userAt } from './run-user';

/** sudo options that take a separate value. */
const WITH_VALUE = new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group', '--host', '--prompt', '--close-from', '--chdir', '--role', '--type', '--other-user', '--command-timeout']);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D022',
    title: 'sudo in RUN',
    description:
      'A RUN calls sudo. Build steps run as the USER in effect, so sudo is either a no-op as root or a sign that the runtime user can escalate through sudo. Switch USER around the step instead.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [
      'hadolint DL3004',
      'Trivy DS-0010',
      'CKV2_DOCKER_1',
      'KICS 8ada6e80-0ade-439e-b176-0b28f6bce35a',
      'Semgrep dockerfile.security.no-sudo-in-dockerfile',
      'Dockle DKL-DI-0001',
    ],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const run of effectiveInstructions(model)) {
      if (run.keyword !== 'RUN') continue;
      const sudos = commandsOf(model, run).filter((c) => c.argv.length > 0 && baseName(c.argv[0].value) === 'sudo');
      for (const command of sudos) {
        findings.push({
          message: 'sudo in a build step: RUN already runs as the USER in effect, and sudo left in the image lets the runtime user escalate. Remove it; switch USER around the step if it needs root.',
          range: command.argv[0].range,
          fixes: run.inOnbuild ? [] : fixesFor(model, run, command, sudos),
        });
      }
    }
    return findings;
  },
};

/** The last word of `sudo [options] [--]`, and whether `-u`/`-g` picked another user. */
function sudoPrefix(command: ShellCommand): { last: ShellWord; otherUser: boolean } | null {
  const argv = command.argv;
  let i = 1;
  let otherUser = false;
  while (i < argv.length) {
    const word = argv[i].value;
    if (word === '--') return { last: argv[i], otherUser };
    if (!word.startsWith('-') || word === '-') break;
    if (/^-(u|g)|^--(user|group)/.test(word)) otherUser = true;
    i += WITH_VALUE.has(word) ? 2 : 1;
  }
  if (i >= argv.length) return null; // `sudo -v`, `sudo -l`: nothing left to run
  return { last: argv[i - 1], otherUser };
}

function fixesFor(model: DockerfileModel, run: Instruction, command: ShellCommand, all: ShellCommand[]): Fix[] {
  const prefix = sudoPrefix(command);
  if (!prefix) return [];
  const user = userAt(model, run);
  if (user.root && !user.unknown) {
    return [
      {
        title: 'Remove sudo (the step already runs as root)',
        edits: [deleteSudoEdit(model, command, prefix.last)],
        isPreferred: !prefix.otherUser,
      },
    ];
  }
  if (user.unknown || user.text === null) return [];
  // A non-root USER: run the whole RUN as root, then switch back.
  const edits: TextEdit[] = [];
  for (const other of all) {
    const p = sudoPrefix(other);
    if (!p) return [];
    edits.push(deleteSudoEdit(model, other, p.last));
  }
  const stage = model.stages[run.stageIndex] ?? null;
  edits.push(insertBefore(model, run, stage, ['USER root']));
  const { source, eol } = model;
  const indent = source.indentOf(run.startLine);
  if (run.endLine + 1 < source.lineCount) {
    edits.push({ range: source.lineStartRange(run.endLine + 1), newText: `${indent}USER ${user.text}${eol}` });
  } else {
    const end = source.positionAt(source.text.length);
    edits.push({ range: { start: end, end }, newText: `${eol}${indent}USER ${user.text}` });
  }
  return [{ title: `Remove sudo and run this step as root (USER root … USER ${user.text})`, edits, isPreferred: false }];
}

/** Deletes `sudo [options]`; when nothing precedes it on its line or in its quotes, the blanks after it go instead. */
function deleteSudoEdit(model: DockerfileModel, command: ShellCommand, last: ShellWord): TextEdit {
  const edit = deleteWordsEdit(model, command, command.argv[0], last);
  const { source } = model;
  if (command.execForm || source.offsetAt(edit.range.start) !== command.argv[0].start) return edit;
  let end = source.offsetAt(edit.range.end);
  while (end < source.text.length && (source.text[end] === ' ' || source.text[end] === '\t')) end++;
  return { range: { start: edit.range.start, end: source.positionAt(end) }, newText: '' };
}
