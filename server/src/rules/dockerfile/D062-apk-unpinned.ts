// CG-D062: `apk add <pkg>` without `=<version>` (or `~<version>`).
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { isPathOrUrl, packageCalls, resolvedOperand, unpinnedMessage } from './package-managers';

const APK = new Set(['apk'] as const);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D062',
    title: 'apk add without a pinned version',
    description:
      '`apk add <pkg>` without `=<version>` installs whatever version the repository has on the day of the build, so builds are not reproducible. Pin it with `<pkg>=<version>` or `<pkg>~<version>`.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['hadolint DL3018', 'KICS d3499f6d-1651-41bb-a9a7-de925fea487b'],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of packageCalls(model, APK)) {
      if (call.verb.value !== 'add') continue;
      for (const word of call.operands) {
        const value = resolvedOperand(model, call, word);
        if (value === null || value === '' || /[=~<>]/.test(value) || isPathOrUrl(value) || /\.apk$/i.test(value)) continue;
        findings.push({
          message: unpinnedMessage('apk add', value, `'${value}=<version>' or '${value}~<major.minor>'`),
          range: word.range,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
