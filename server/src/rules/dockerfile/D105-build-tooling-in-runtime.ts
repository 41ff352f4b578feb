// CG-D105: a multi-stage Dockerfile whose shipped stage still carries build tooling: its base is
// an SDK or full image (`golang`, `maven`, `gradle`, `node` without -slim/-alpine, `python`
// without -slim, `…/sdk`, `*-sdk`, `*-devel` …), or it installs compilers and network tools
// (`build-essential`, `gcc`, `make`, `git`, `curl`, `wget`). The file already has a builder stage,
// so the tools in the runtime image are only attack surface.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { typedShippedStage } from './helpers';
import { INSTALL_VERBS, packageCalls } from './package-managers';

/** Docker Hub images that are build toolchains in every variant. */
const TOOLCHAINS = new Set(['golang', 'maven', 'gradle']);
const TOOL_PACKAGES = new Set(['build-essential', 'build-base', 'gcc', 'make', 'git', 'curl', 'wget']);

/** Why a base image reference is an SDK or full image, or null. */
export function sdkImage(repository: string, tag: string | null, dockerHub: boolean): string | null {
  const lastSegment = repository.slice(repository.lastIndexOf('/') + 1);
  const tagWords = (tag ?? '').toLowerCase().split(/[-_.]/);
  if (dockerHub && TOOLCHAINS.has(repository)) return `'${repository}' is a build toolchain image`;
  if (dockerHub && repository === 'node' && !tagWords.includes('slim') && !tagWords.includes('alpine')) {
    return "'node' without -slim or -alpine is the full image with compilers and package managers";
  }
  if (dockerHub && repository === 'python' && !tagWords.includes('slim') && !tagWords.includes('alpine')) {
    return "'python' without -slim is the full image with compilers and package managers";
  }
  const segmentWords = lastSegment.split(/[-_.]/);
  for (const word of ['sdk', 'devel']) {
    if (segmentWords.includes(word) || tagWords.includes(word)) return `the image is a${word === 'sdk' ? 'n SDK' : ' development (-devel)'} variant`;
  }
  return null;
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D105',
    title: 'Build tooling in the runtime image',
    description:
      'A multi-stage Dockerfile ships a stage based on an SDK or full image, or one that installs compilers or network tools. They are not needed at runtime and widen the attack surface; use a slim or distroless base for the final stage.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: [],
    fixable: false,
  },
  check(model, context) {
    if (model.stages.length < 2) return [];
    const shipped = typedShippedStage(model, context);
    if (!shipped) return [];
    const chain = model.chainOf(shipped);
    const findings: RuleFinding[] = [];
    const root = chain[0];
    const ref = root.image.ref;
    if (ref && root.image.range && !root.image.isScratch && !root.image.stageRef) {
      const why = sdkImage(ref.repository, ref.tag, ref.dockerHub);
      if (why) {
        findings.push({
          message: `The shipped image is built FROM '${root.image.resolved}': ${why}. The build already has other stages, so build there and copy only the result into a slim or distroless base.`,
          range: root.image.range,
          fixes: [],
        });
      }
    }
    for (const call of packageCalls(model)) {
      if (!call.stage || !chain.includes(call.stage) || call.instruction.inOnbuild) continue;
      if (!INSTALL_VERBS[call.family].has(call.verb.value)) continue;
      for (const operand of call.operands) {
        const name = operand.value.split(/[=<>~]/)[0];
        if (!TOOL_PACKAGES.has(name)) continue;
        findings.push({
          message: `The shipped stage installs '${name}', a build or download tool it does not need at runtime. Install it in a builder stage and copy only the result, or remove it after use in the same RUN.`,
          range: operand.range,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
