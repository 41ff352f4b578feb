// CG-D067: `gem install <gem>` without `:<version>`, `-v` or `--version`. Local `.gem` files are
// not reported, nor the words after a bare `--` (the gem's build options, not gems).
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { Rule } from '../../engine/types';
import { splitArgs, toolCalls } from './commands';
import { isPathOrUrl, operandValues, unpinnedMessage } from './package-managers';
import { pinningFindings, type InstallCommand } from './package-pinning';

const GEM = new Set(['gem']);
const WITH_VALUE = new Set([
  '-v', '--version', '-i', '--install-dir', '-n', '--bindir', '-s', '--source', '-P', '--trust-policy', '--platform',
  '-g', '--file', '--build-root', '--document', '--target-rbconfig',
]);

const GEMS = { one: 'gem without a pinned version', many: 'gems without pinned versions' };

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D067',
    title: 'gem install without a pinned version',
    description:
      '`gem install <gem>` without a version installs whatever RubyGems serves on the day of the build, so builds are not reproducible. Pin it with `<gem>:<version>` or `-v <version>`.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['hadolint DL3028', 'KICS 22cd11f7-9c6c-4f6e-84c0-02058120b341'],
    fixable: false,
  },
  check(model, context) {
    const installs: InstallCommand[] = [];
    for (const call of toolCalls(model, GEM)) {
      // `gem install mysql2 -- --with-mysql-config=…`: what follows `--` goes to the gem's build.
      const end = call.args.findIndex((w) => w.value === '--');
      const split = splitArgs(end < 0 ? call.args : call.args.slice(0, end), WITH_VALUE);
      const [verb, ...operands] = split.operands;
      if (verb?.value !== 'install' && verb?.value !== 'i') continue;
      if (split.options.some((o) => o.value === '-v' || o.value === '--version' || o.value.startsWith('--version=') || /^-v./.test(o.value))) continue;
      const packages = operandValues(model, call, operands)
        .filter(({ value }) => !value.includes(':') && !isPathOrUrl(value) && !/\.gem$/i.test(value))
        .map(({ word, value }) => ({ word, name: value, message: unpinnedMessage('gem', value, `'${value}:<version>' or '-v <version>'`) }));
      installs.push({ call, manager: 'gem', tool: 'gem', packages, noun: GEMS });
    }
    return pinningFindings(model, context, installs);
  },
};
