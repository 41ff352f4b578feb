// CG-D106: images used outside FROM that are not pinned: `COPY --from=<image>` and
// `RUN --mount=…,from=<image>` with no tag, or a floating tag, and no digest (Warning); and the
// `# syntax=` frontend image without a digest — BuildKit pulls and *executes* it to parse the file.
// The frontend is a tag without a digest, which catalogue §6.2 makes a Hint in baseline and a
// Warning in strict (like CG-D003). A stage name (case-insensitive) or index (`--from=0`) is not an image.
import type { Range } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { isFloatingTag, parseImageRef } from '../../engine/dockerfile/image-ref';
import type { RuleFinding, Rule } from '../../engine/types';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D106',
    title: 'Unpinned image used outside FROM',
    description:
      'COPY --from=<image> or RUN --mount=from=<image> without a version tag or digest, or a # syntax= frontend without a digest, can change on every build; the frontend even runs to parse the file. Pin a version tag and a digest.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [],
    fixable: false,
  },
  check(model, context) {
    const findings: RuleFinding[] = [];
    const syntax = model.directives.find((d) => d.name === 'syntax');
    if (syntax && syntax.value !== '') {
      const ref = parseImageRef(syntax.value);
      if (ref.digest === null) {
        findings.push({
          message: `The syntax directive '${syntax.value}' is not pinned to a digest: BuildKit pulls this frontend image and runs it to parse the file, so whoever moves the tag changes how it is built. Add @sha256:<digest>.`,
          range: syntax.valueRange,
          severity: context.profile === 'strict' ? 'warning' : 'hint',
          fixes: [],
        });
      }
    }
    for (const top of model.instructions) {
      for (const instruction of top.trigger ? [top, top.trigger] : [top]) {
        if (instruction.keyword === 'COPY') findings.push(...copyFrom(model, instruction));
        else if (instruction.keyword === 'RUN') findings.push(...mountFrom(model, instruction));
      }
    }
    return findings;
  },
};

function copyFrom(model: DockerfileModel, copy: Instruction): RuleFinding[] {
  const flag = copy.flags.find((f) => f.name.toLowerCase() === 'from');
  if (!flag || flag.value === null || !flag.valueRange) return [];
  const problem = unpinned(model, copy, flag.value);
  return problem ? [finding('COPY --from', flag.value, problem, flag.valueRange)] : [];
}

function mountFrom(model: DockerfileModel, run: Instruction): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const { source } = model;
  for (const flag of run.flags) {
    if (flag.name.toLowerCase() !== 'mount' || flag.value === null || !flag.valueRange) continue;
    const base = source.offsetAt(flag.valueRange.start);
    const written = source.text.slice(base, source.offsetAt(flag.valueRange.end));
    // Only when the value is written as-is on one line can a sub-range be located.
    const exact = written === flag.value;
    let offset = 0;
    for (const part of flag.value.split(',')) {
      const m = /^\s*from\s*=\s*(.*?)\s*$/i.exec(part);
      if (m) {
        const value = m[1];
        const problem = unpinned(model, run, value);
        if (problem) {
          const start = base + offset + part.indexOf(value, part.indexOf('=') + 1);
          const range: Range = exact ? source.rangeOf(start, start + value.length) : flag.valueRange;
          findings.push(finding('RUN --mount', value, problem, range));
        }
      }
      offset += part.length + 1;
    }
  }
  return findings;
}

/** Why an image reference is unpinned (`no tag`, `floating tag 'latest'`), or null when it is pinned or a stage. */
function unpinned(model: DockerfileModel, instruction: Instruction, written: string): { resolved: string; why: string } | null {
  const value = written.includes('$') ? model.expand(written, instruction).value : written;
  if (value === null || value === '' || value.includes('$')) return null;
  if (/^\d+$/.test(value) || model.stageByName(value) || value.toLowerCase() === 'scratch') return null;
  const ref = parseImageRef(value);
  if (ref.digest !== null) return null;
  if (ref.tag === null) return { resolved: value, why: 'has no tag or digest, so it means :latest' };
  if (isFloatingTag(ref.tag)) return { resolved: value, why: `uses the floating tag '${ref.tag}'` };
  return null;
}

function finding(where: string, written: string, problem: { resolved: string; why: string }, range: Range): RuleFinding {
  const shown = written === problem.resolved ? `'${written}'` : `'${written}' (= '${problem.resolved}')`;
  return {
    message: `${where} image ${shown} ${problem.why}: every build can use a different image. Pin a version tag and a digest (name:tag@sha256:…).`,
    range,
    fixes: [],
  };
}
