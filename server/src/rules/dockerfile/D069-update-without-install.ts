// CG-D069: a RUN refreshes the package index (`apt-get update`, `apk update`, `yum update` …)
// without installing anything with the same manager in that RUN. The layer with the index is
// cached, so a later RUN installs from a stale index (or fails on a vanished package version).
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import { commandsOf } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { deleteInstructionEdit, toolCall } from './commands';
import { INSTALL_VERBS, packageCalls, UPDATE_VERBS, type PackageCall, type PackageFamily } from './package-managers';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D069',
    title: 'Package index update without install',
    description:
      'A RUN that only refreshes the package index is cached as its own layer, so later installs can use a stale index and miss security updates. Update and install in the same RUN.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: ['Trivy DS-0017', 'CKV_DOCKER_5', 'KICS 9bae49be-0aa3-4de5-bab2-4c3a069e40cd', 'CIS 4.7', 'Dockle CIS-DI-0007'],
    fixable: true,
  },
  check(model) {
    const calls = packageCalls(model);
    const findings: RuleFinding[] = [];
    const reported = new Set<Instruction>();
    for (const call of calls) {
      if (!UPDATE_VERBS[call.family].has(call.verb.value) || reported.has(call.instruction)) continue;
      // `yum update openssl` installs (updates) named packages: not an index refresh.
      if ((call.family === 'rpm' || call.family === 'zypper') && call.verb.value.startsWith('up') && call.operands.length > 0) continue;
      const installsToo = calls.some(
        (other) => other.instruction === call.instruction && other.family === call.family && other !== call && INSTALL_VERBS[other.family].has(other.verb.value),
      );
      if (installsToo) continue;
      reported.add(call.instruction);
      const written = `${call.word.value} ${call.verb.value}`;
      findings.push({
        message: `'${written}' runs in a RUN that installs nothing with ${call.word.value}: the cached layer keeps an index that later installs reuse, so they can miss updates or fail. Run the update in the same RUN as the install.`,
        range: model.source.rangeOf(call.word.start, call.verb.end),
        fixes: mergeFix(model, call, calls),
      });
    }
    return findings;
  },
};

/** `RUN apt-get update` + `RUN apt-get install …` → `RUN apt-get update && apt-get install …`. */
function mergeFix(model: DockerfileModel, call: PackageCall, calls: PackageCall[]): Fix[] {
  const update = call.instruction;
  const stage = call.stage;
  if (!stage || update.inOnbuild || update.execForm || update.flags.length > 0 || update.heredocs.length > 0) return [];
  const commands = commandsOf(model, update);
  if (commands.length !== 1 || commands[0] !== call.command) return [];
  const { source } = model;
  const text = source.text.slice(call.command.start, call.command.end);
  if (/[\r\n]/.test(text)) return [];
  const target = nextInstallingRun(model, stage, update, call.family, calls);
  if (!target || !target.argsRange) return [];
  return [
    {
      title: `Move '${text}' into the next RUN that installs`,
      edits: [deleteInstructionEdit(model, update), { range: { start: target.argsRange.start, end: target.argsRange.start }, newText: `${text} && ` }],
      isPreferred: true,
    },
  ];
}

/**
 * The next RUN of the stage that installs with the same family, when nothing between them
 * changes who runs it or reads the index: no USER or SHELL, no other call of that manager.
 */
function nextInstallingRun(model: DockerfileModel, stage: Stage, update: Instruction, family: PackageFamily, calls: PackageCall[]): Instruction | undefined {
  const index = stage.instructions.indexOf(update);
  if (index < 0) return undefined;
  for (const instruction of stage.instructions.slice(index + 1)) {
    if (instruction.keyword === 'USER' || instruction.keyword === 'SHELL') return undefined;
    if (instruction.keyword !== 'RUN') continue;
    const own = calls.filter((c) => c.instruction === instruction && c.family === family);
    if (own.length === 0) {
      if (commandsOf(model, instruction).some((c) => /^apt-(cache|get)$|^apt$|^dpkg$/.test(toolCall(c)?.tool ?? '') && family === 'apt')) return undefined;
      continue;
    }
    if (!own.some((c) => INSTALL_VERBS[family].has(c.verb.value))) return undefined;
    if (instruction.execForm || instruction.heredocs.length > 0) return undefined;
    return instruction;
  }
  return undefined;
}
