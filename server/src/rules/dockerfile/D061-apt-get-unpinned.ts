// CG-D061: `apt-get install <pkg>` without `=<version>`: each build installs whatever version the
// archive has that day.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { isPathOrUrl, packageCalls, resolvedOperand, unpinnedMessage } from './package-managers';

const APT = new Set(['apt'] as const);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D061',
    title: 'apt-get install without a pinned version',
    description:
      '`apt-get install <pkg>` without `=<version>` installs whatever version the archive has on the day of the build, so builds are not reproducible. Pin the version with `<pkg>=<version>`.',
    kind: 'dockerfile',
    severity: 'info',
    strictSeverity: 'warning',
    equivalents: ['hadolint DL3008', 'KICS 965a08d7-ef86-4f14-8792-4a3b2098937e'],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of packageCalls(model, APT)) {
      if (call.tool !== 'apt-get' || call.verb.value !== 'install') continue;
      for (const word of call.operands) {
        const value = resolvedOperand(model, call, word);
        if (value === null || value === '' || value.includes('=') || isPathOrUrl(value) || /\.deb$/i.test(value)) continue;
        findings.push({
          message: unpinnedMessage('apt-get', value, `'${value}=<version>'`),
          range: word.range,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
