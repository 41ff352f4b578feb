// CG-D111: an ONBUILD trigger fetches remote code: `ONBUILD ADD https://…` or a Git URL, or an
// `ONBUILD RUN` that runs curl or wget in any command (after `&&`, `;`, `|`, an env prefix, or
// inside `sh -c`). The download happens in every downstream build, where the author of that
// Dockerfile never sees it. Local files and archives are not reported.
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { commandsOf, programOf } from '../../engine/dockerfile/shell';
import type { RuleFinding, Rule } from '../../engine/types';
import { listItems } from './declarations';

const HTTP = /^https?:\/\//i;
const GIT = /(^git@)|(^git:\/\/)|(\.git(#.*)?$)|(\.git#)/i;
const FETCHERS = new Set(['curl', 'wget']);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D111',
    title: 'ONBUILD trigger fetches remote code',
    description:
      'An ONBUILD ADD of a URL or Git repository, or an ONBUILD RUN with curl or wget, downloads code in every image built FROM this one, hidden from the authors of those Dockerfiles. Do the download in the downstream Dockerfile, or in this image at build time.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: [],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const onbuild of model.instructions) {
      const trigger = onbuild.keyword === 'ONBUILD' ? onbuild.trigger : null;
      if (!trigger) continue;
      if (trigger.keyword === 'ADD') findings.push(...remoteSources(model, trigger));
      else if (trigger.keyword === 'RUN') {
        for (const command of commandsOf(model, trigger)) {
          const program = programOf(command);
          if (!program || !FETCHERS.has(program.name)) continue;
          findings.push({
            message: `ONBUILD RUN runs ${program.name} in every build FROM this image: the download is hidden from the authors of those Dockerfiles. Move it into the downstream Dockerfile, or download at this image's build time.`,
            range: command.argv[program.index].range,
            fixes: [],
          });
        }
      }
    }
    return findings;
  },
};

function remoteSources(model: DockerfileModel, add: Instruction): RuleFinding[] {
  const items = listItems(model, add).filter((item) => !item.value.startsWith('<<'));
  if (items.length < 2) return [];
  const findings: RuleFinding[] = [];
  for (const item of items.slice(0, -1)) {
    const value = item.value.includes('$') ? model.expand(item.value, add).value : item.value;
    if (value === null) continue;
    const source = value.replace(/^(["'])(.*)\1$/, '$2');
    const git = GIT.test(source);
    if (!git && !HTTP.test(source)) continue;
    findings.push({
      message: `ONBUILD ADD ${git ? 'clones' : 'downloads'} '${source}' in every build FROM this image: the remote code is hidden from the authors of those Dockerfiles. Move the ADD into the downstream Dockerfile, or download at this image's build time.`,
      range: item.range,
      fixes: [],
    });
  }
  return findings;
}
