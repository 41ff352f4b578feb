// CG-D066: `npm install|i|add <pkg>` without `@<version>`. `npm ci`, a bare `npm install`, local
// paths, tarballs and git URLs with `#<ref>` are not reported.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { Rule } from '../../engine/types';
import { splitArgs, toolCalls } from './commands';
import { operandValues, unpinnedMessage } from './package-managers';
import { pinningFindings, type InstallCommand } from './package-pinning';

const NPM = new Set(['npm']);
const VERBS = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);
const WITH_VALUE = new Set([
  '--prefix', '--cache', '--registry', '--userconfig', '--globalconfig', '-w', '--workspace', '--tag', '--omit',
  '--include', '--install-strategy', '--loglevel', '--before', '--location', '-C',
]);
const LOCAL = /^(\.{1,2}(\/|$)|\/|~\/|file:)/;
const TARBALL = /\.(tgz|tar|tar\.gz)$/i;
const GIT = /^(git(\+[a-z]+)?:\/\/|git@|github:|gitlab:|bitbucket:|gist:|https?:\/\/.*\.git(#|$))/i;

/** Whether an npm package spec names a version (`x@1.2.3`, `@scope/x@^1`), a local file or a pinned git ref. */
export function isPinnedNpmSpec(spec: string): boolean {
  if (LOCAL.test(spec) || TARBALL.test(spec)) return true;
  // `user/repo` GitHub shorthand and git URLs are pinned only by a `#<ref>`.
  if (GIT.test(spec) || /^[^@/][^/]*\/[^/]+$/.test(spec)) return /#.+/.test(spec);
  if (/^https?:\/\//i.test(spec)) return true; // a tarball URL
  const versionAt = spec.startsWith('@') ? spec.indexOf('@', 1) : spec.indexOf('@');
  return versionAt > 0 && versionAt < spec.length - 1;
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D066',
    title: 'npm install without a pinned version',
    description:
      '`npm install <pkg>` without `@<version>` installs whatever the registry serves on the day of the build, so builds are not reproducible and a compromised release goes straight in. Pin `<pkg>@<version>`, or use `npm ci` with a lockfile.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['hadolint DL3016', 'KICS e36d8880-3f78-4546-b9a1-12f0745ca0d5'],
    fixable: false,
  },
  check(model, context) {
    const installs: InstallCommand[] = [];
    for (const call of toolCalls(model, NPM)) {
      const split = splitArgs(call.args, WITH_VALUE);
      const [verb, ...operands] = split.operands;
      if (!verb || !VERBS.has(verb.value)) continue;
      const packages = operandValues(model, call, operands)
        .filter(({ value }) => !isPinnedNpmSpec(value))
        .map(({ word, value }) => ({
          word,
          name: value,
          message: unpinnedMessage('npm', value, GIT.test(value) || (value.includes('/') && !value.startsWith('@')) ? `'${value}#<commit>'` : `'${value}@<version>', or use 'npm ci' with a lockfile`),
        }));
      installs.push({ call, manager: 'npm', tool: 'npm', packages });
    }
    return pinningFindings(model, context, installs);
  },
};
