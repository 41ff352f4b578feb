// CG-D064: `zypper install <pkg>` without `=<version>` (or `>=`, `<=` …).
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { isPathOrUrl, optionValue, packageCalls, resolvedOperand, unpinnedMessage } from './package-managers';

const ZYPPER = new Set(['zypper'] as const);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D064',
    title: 'zypper install without a pinned version',
    description:
      '`zypper install <pkg>` without `=<version>` installs whatever version the repository has on the day of the build, so builds are not reproducible. Pin it with `<pkg>=<version>`.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['hadolint DL3037', 'KICS 562952e4-0348-4dea-9826-44f3a2c6117b'],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of packageCalls(model, ZYPPER)) {
      if (call.verb.value !== 'install' && call.verb.value !== 'in') continue;
      // `-t pattern|patch|product`: the operands are not packages.
      const type = call.options.map((o) => optionValue(call, o, ['--type', '-t'])).find((v) => v !== undefined);
      if (type !== undefined && type !== 'package') continue;
      for (const word of call.operands) {
        const value = resolvedOperand(model, call, word);
        if (value === null || value === '' || /[=<>]/.test(value) || isPathOrUrl(value) || /\.rpm$/i.test(value)) continue;
        findings.push({
          message: unpinnedMessage('zypper install', value, `'${value}=<version>'`),
          range: word.range,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
