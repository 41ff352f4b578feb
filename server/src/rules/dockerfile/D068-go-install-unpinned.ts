// CG-D068: `go install <pkg>@latest` (or `@upgrade`, `@patch`), or `go install <pkg>` with no
// version and no go.mod that would pin it. Local packages (`.`, `./…`, `/…`) are not reported.
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import type { Rule } from '../../engine/types';
import { splitArgs, toolCalls } from './commands';
import { operandValues } from './package-managers';
import { pinningFindings, type InstallCommand, type UnpinnedPackage } from './package-pinning';

const GO = new Set(['go']);
const WITH_VALUE = new Set([
  '-tags', '-ldflags', '-gcflags', '-asmflags', '-gccgoflags', '-mod', '-modfile', '-p', '-pkgdir', '-toolexec',
  '-buildmode', '-compiler', '-installsuffix', '-overlay', '-pgo', '-C', '-o', '-buildvcs', '-covermode', '-coverpkg',
]);
const FLOATING = new Set(['latest', 'upgrade', 'patch']);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D068',
    title: 'go install without a pinned version',
    description:
      '`go install <pkg>@latest` (or without a version and no go.mod) builds whatever the module proxy serves on the day of the build, so builds are not reproducible. Install a concrete version: `<pkg>@v1.2.3`.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['hadolint DL3062'],
    fixable: false,
  },
  check(model, context) {
    const installs: InstallCommand[] = [];
    for (const call of toolCalls(model, GO)) {
      const split = splitArgs(call.args, WITH_VALUE);
      const [verb, ...operands] = split.operands;
      if (verb?.value !== 'install') continue;
      const packages: UnpinnedPackage[] = [];
      for (const { word, value } of operandValues(model, call, operands)) {
        if (/^(\.{1,2}(\/|$)|\/)/.test(value)) continue;
        const at = value.lastIndexOf('@');
        if (at > 0) {
          const version = value.slice(at + 1);
          if (!FLOATING.has(version)) continue;
          packages.push({
            word,
            name: value,
            message: `go install '${value}' asks for '@${version}', so each build can compile a different version of '${value.slice(0, at)}'. Install a concrete version ('${value.slice(0, at)}@v1.2.3').`,
            // The per-package finding points at `@latest` when it is written literally.
            range: word.value === value ? model.source.rangeOf(word.charOffsets[at], word.charOffsets[value.length - 1] + 1) : undefined,
          });
          continue;
        }
        if (call.stage && goModKnown(model, call.stage, call.instruction)) continue;
        packages.push({
          word,
          name: value,
          message: `go install '${value}' has no version and no go.mod was copied in to pin it, so each build can compile a different version. Install a concrete version ('${value}@v1.2.3').`,
        });
      }
      installs.push({ call, manager: 'go', tool: 'go', packages });
    }
    return pinningFindings(model, context, installs);
  },
};

/** A go.mod is in the build before this RUN: copied (`COPY go.mod …`, `COPY . …`) or created (`go mod init`). */
function goModKnown(model: DockerfileModel, stage: Stage, until: Instruction): boolean {
  for (const current of model.chainOf(stage)) {
    for (const instruction of current.instructions) {
      if (instruction === until) return /\bgo\s+mod\s+init\b/.test(instruction.argsText.slice(0, instruction.argsText.indexOf('go install')));
      if (instruction.keyword === 'RUN' && /\bgo\s+mod\s+init\b/.test(instruction.argsText)) return true;
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
      const sources = (instruction.execForm ?? instruction.args.map((a) => a.value)).slice(0, -1);
      if (sources.some((s) => /(^|\/)go\.mod$/.test(s) || /^\.\/?$/.test(s) || s === '*')) return true;
    }
  }
  return false;
}
