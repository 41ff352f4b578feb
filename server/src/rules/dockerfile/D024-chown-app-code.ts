// CG-D024: `COPY`/`ADD --chown=<non-root user>` into the shipped image. The files then belong to
// the user the application runs as, so a compromised process can rewrite its own code. Data,
// cache, log and temporary directories are meant to be writable and are not reported.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { listItems, normalizePath } from './declarations';
import { isRootUser } from '../../engine/users';

/** Destinations that are meant to be written at runtime (by path prefix, or by last segment). */
const WRITABLE_ROOTS = ['/tmp', '/var/tmp', '/var/cache', '/var/lib', '/var/log', '/var/run', '/run', '/data', '/cache'];
const WRITABLE_NAMES = new Set(['data', 'cache', '.cache', 'tmp', 'temp', 'log', 'logs', 'uploads', 'storage', 'state']);

export function isWritableDestination(path: string): boolean {
  const p = normalizePath(path);
  if (WRITABLE_ROOTS.some((root) => p === root || p.startsWith(root + '/'))) return true;
  return p.split('/').some((segment) => WRITABLE_NAMES.has(segment.toLowerCase()));
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D024',
    title: 'Application files owned by the runtime user',
    description:
      'COPY/ADD --chown gives the copied files to a non-root user, so the process running as that user can rewrite its own code. Leave code owned by root and chown only data directories.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['KICS aa93e17f-b6db-4162-9334-c70334e7ac28'],
    fixable: true,
  },
  check(model, context) {
    const findings: RuleFinding[] = [];
    const { source } = model;
    for (const stage of model.shippedChain(context.buildTarget)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
        const chown = instruction.flags.find((f) => f.name.toLowerCase() === 'chown');
        if (!chown || !chown.value) continue;
        const owner = chown.value.includes('$') ? model.expand(chown.value, instruction).value : chown.value;
        if (owner === null) continue;
        const user = owner.split(':')[0];
        if (user === '' || isRootUser(user)) continue;
        const items = listItems(model, instruction);
        const destination = items[items.length - 1]?.value;
        if (!destination || items.length < 2) continue;
        const resolved = destination.includes('$') ? model.expand(destination, instruction).value : destination;
        if (resolved === null || isWritableDestination(resolved)) continue;
        let end = source.offsetAt(chown.range.end);
        while (end < source.text.length && (source.text[end] === ' ' || source.text[end] === '\t')) end++;
        findings.push({
          message: `--chown=${chown.value} makes ${user} the owner of the files copied to ${destination}: if the application runs as ${user}, it can rewrite its own code. Keep code owned by root and chown only data directories.`,
          range: chown.range,
          fixes: [
            {
              title: `Remove --chown=${chown.value} (files stay owned by root)`,
              edits: [{ range: { start: chown.range.start, end: source.positionAt(end) }, newText: '' }],
              isPreferred: false,
            },
          ],
        });
      }
    }
    return findings;
  },
};
