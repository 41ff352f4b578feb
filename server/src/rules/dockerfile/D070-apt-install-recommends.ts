// CG-D070: `apt-get install` without `--no-install-recommends` in the shipped image: apt also
// installs every "recommended" package, which widens the attack surface with software nobody
// asked for. Builder stages outside the shipped chain are not reported.
import type { DerivedKey, DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { insertAfterWordEdit } from './commands';
import { aptInstallsNothing, optionValue, packageCalls, type PackageCall } from './package-managers';

const APT = new Set(['apt'] as const);
/** `APT::Install-Recommends "false";` written into apt's configuration. */
const CONFIG_OFF = /APT::Install-Recommends\s*"?\s*(false|0)/i;
const RECOMMENDS_OFF = /^APT::Install-Recommends=["']?(false|0|no|off)["']?$/i;

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D070',
    title: 'apt-get install without --no-install-recommends',
    description:
      '`apt-get install` also installs recommended packages, which puts software nobody asked for into the image and widens its attack surface. Add `--no-install-recommends`.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: [
      'hadolint DL3015',
      'Trivy DS-0029',
      'KICS 7384dfb2-fcd1-4fbf-91cd-6c44c318c33c',
      'Semgrep dockerfile.best-practice.missing-no-install-recommends',
      'CIS 4.3',
    ],
    fixable: true,
  },
  check(model, context) {
    const shipped = model.shippedStage(context.buildTarget);
    if (!shipped) return [];
    const chain = new Set<Stage>(model.chainOf(shipped));
    const calls = packageCalls(model, APT).filter((c) => c.tool === 'apt-get' && c.stage && chain.has(c.stage) && !c.instruction.inOnbuild);
    const findings: RuleFinding[] = [];
    for (const call of calls) {
      if (call.verb.value !== 'install' || call.operands.length === 0 || avoidsRecommends(call)) continue;
      // `-s`, `--dry-run`, `-d`, `--print-uris` …: nothing is installed.
      if (aptInstallsNothing(call)) continue;
      if (configuredEarlier(model, call)) continue;
      findings.push({
        message: "'apt-get install' without '--no-install-recommends' also installs every recommended package, adding software nobody asked for to the image. Add '--no-install-recommends' (and install what you need explicitly).",
        range: model.source.rangeOf(call.word.start, call.verb.end),
        fixes: [
          {
            title: "Add '--no-install-recommends'",
            edits: [insertAfterWordEdit(model, call.command, call.verb, ' --no-install-recommends', '--no-install-recommends')],
            isPreferred: false,
          },
        ],
      });
    }
    return findings;
  },
};

function avoidsRecommends(call: PackageCall): boolean {
  return call.options.some((option) => {
    if (option.value === '--no-install-recommends') return true;
    const value = optionValue(call, option, ['--option', '-o']);
    return value !== undefined && RECOMMENDS_OFF.test(value);
  });
}

/** An earlier RUN or COPY of the chain wrote `APT::Install-Recommends "false"` into apt's configuration. */
function configuredEarlier(model: DockerfileModel, call: PackageCall): boolean {
  const chain = call.stage ? model.chainOf(call.stage) : [];
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'RUN' && instruction.keyword !== 'COPY') continue;
      if (instruction === call.instruction) {
        // The same RUN counts up to the install command.
        const start = model.source.offsetAt(instruction.argsRange!.start);
        return CONFIG_OFF.test(instruction.rawArgs.slice(0, Math.max(0, call.command.start - start)));
      }
      if (configures(model, instruction)) return true;
    }
  }
  return false;
}

const CONFIGURING: DerivedKey<Map<Instruction, boolean>> = { name: 'CG-D070 instructions that turn recommends off' };

function configures(model: DockerfileModel, instruction: Instruction): boolean {
  const known = model.derived.get(CONFIGURING, () => new Map());
  let result = known.get(instruction);
  if (result === undefined) {
    result = instruction.rawArgs.includes('Install-Recommends') && CONFIG_OFF.test(instruction.rawArgs);
    known.set(instruction, result);
  }
  return result;
}
