// CG-D067: `gem install <gem>` without `:<version>`, `-v` or `--version`. Local `.gem` files are
// not reported.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { splitArgs, toolCalls } from './commands';
import { isPathOrUrl, resolvedOperand, unpinnedMessage } from './package-managers';

const GEM = new Set(['gem']);
const WITH_VALUE = new Set([
  '-v', '--version', '-i', '--install-dir', '-n', '--bindir', '-s', '--source', '-P', '--trust-policy', '--platform',
  '-g', '--file', '--build-root', '--document', '--target-rbconfig',
]);

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
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of toolCalls(model, GEM)) {
      const split = splitArgs(call.args, WITH_VALUE);
      const [verb, ...operands] = split.operands;
      if (verb?.value !== 'install' && verb?.value !== 'i') continue;
      if (split.options.some((o) => o.value === '-v' || o.value === '--version' || o.value.startsWith('--version=') || /^-v./.test(o.value))) continue;
      for (const word of operands) {
        const value = resolvedOperand(model, call, word);
        if (value === null || value === '' || value.includes(':') || isPathOrUrl(value) || /\.gem$/i.test(value)) continue;
        findings.push({
          message: unpinnedMessage('gem', value, `'${value}:<version>' or '-v <version>'`),
          range: word.range,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
