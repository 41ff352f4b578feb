// CG-D050: a WORKDIR at or under a kernel or boot directory (`/proc`, `/boot`, `/dev`, `/initrd`,
// `/lost+found`), or a VOLUME of `/` or of `/sys`, `/dev`, `/proc` (or below). Writing there
// touches the kernel's interfaces or the boot files, and such a VOLUME hides them. Paths are
// compared by segment after ARG/ENV resolution; relative WORKDIRs are resolved first.
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { listItems, normalizePath } from './declarations';

const WORKDIR_ROOTS = ['/proc', '/boot', '/dev', '/initrd', '/lost+found'];
const VOLUME_ROOTS = ['/sys', '/dev', '/proc'];

/** Whether `path` is `root` or below it, by segment (`/device-plugin` is not under `/dev`). */
export function isAtOrUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root + '/');
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D050',
    title: 'WORKDIR or VOLUME on a system directory',
    description:
      'A WORKDIR in /proc, /boot, /dev, /initrd or /lost+found, or a VOLUME of /, /sys, /dev or /proc. The application then writes into kernel or boot interfaces, or the volume hides them.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: ['Trivy DS-0030', 'Dockle DKL-DI-0002'],
    fixable: false,
  },
  check(model, context) {
    const findings: RuleFinding[] = [];
    /** The working directory so far; null while unknown (base image's WORKDIR). */
    let cwd: string | null = null;
    for (const stage of model.shippedChain(context.buildTarget)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'WORKDIR') {
          const text = instruction.argsText.trim();
          const resolved = resolve(model, instruction, text);
          if (resolved === null) {
            cwd = null;
            continue;
          }
          cwd = resolved.startsWith('/') ? normalizePath(resolved) : cwd === null ? null : normalizePath(`${cwd}/${resolved}`);
          const root = cwd === null ? undefined : WORKDIR_ROOTS.find((r) => isAtOrUnder(cwd!, r));
          if (root && instruction.argsRange) {
            findings.push({
              message: `WORKDIR ${cwd} is inside ${root}, a kernel or boot directory: the application would write there. Use an application directory such as /app.`,
              range: instruction.argsRange,
              fixes: [],
            });
          }
        } else if (instruction.keyword === 'VOLUME') {
          for (const item of listItems(model, instruction)) {
            const resolved = resolve(model, instruction, item.value);
            if (resolved === null || !resolved.trim().startsWith('/') && !/^["']\//.test(resolved.trim())) continue;
            const path = normalizePath(resolved);
            const root = path === '/' ? '/' : VOLUME_ROOTS.find((r) => isAtOrUnder(path, r));
            if (!root) continue;
            findings.push({
              message:
                path === '/'
                  ? 'VOLUME / makes the whole filesystem a volume, hiding the image content behind whatever is mounted there.'
                  : `VOLUME ${path} is in ${root}, a kernel interface: a volume there hides or replaces what the kernel provides.`,
              range: item.range,
              fixes: [],
            });
          }
        }
      }
    }
    return findings;
  },
};

function resolve(model: DockerfileModel, instruction: Instruction, text: string): string | null {
  if (!text) return null;
  return text.includes('$') ? model.expand(text, instruction).value : text;
}
