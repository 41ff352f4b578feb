// CG-D051: `COPY --from=<stage|image> / /` in the shipped chain: the whole filesystem of another
// image (its shells, package managers, setuid binaries, caches and secrets) lands in this one.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { listItems, normalizePath } from './declarations';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D051',
    title: 'COPY --from copies a whole filesystem',
    description:
      'COPY --from=<stage> / / copies the entire filesystem of another stage or image into the shipped one, with its tools, caches and any secrets left in it. Copy only the paths the image needs.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: ['hadolint DL3067'],
    fixable: false,
  },
  check(model, context) {
    const findings: RuleFinding[] = [];
    for (const stage of model.shippedChain(context.buildTarget)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'COPY') continue;
        const from = instruction.flags.find((f) => f.name.toLowerCase() === 'from');
        if (!from || !from.value) continue;
        const items = listItems(model, instruction);
        if (items.length < 2 || items.some((i) => i.value.startsWith('<<'))) continue;
        const path = (text: string) => {
          const value = text.includes('$') ? model.expand(text, instruction).value : text;
          return value === null ? null : normalizePath(value);
        };
        if (path(items[items.length - 1].value) !== '/') continue;
        const source = items.slice(0, -1).find((i) => {
          const p = path(i.value);
          return p === '/' || p === '';
        });
        if (!source) continue;
        findings.push({
          message: `COPY --from=${from.value} ${source.value} / copies the whole filesystem of '${from.value}' into the image, with its tools, caches and anything left in it. Copy only the paths the image needs.`,
          range: source.range,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
