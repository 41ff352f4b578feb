// CG-D064: `zypper install <pkg>` without `=<version>` (or `>=`, `<=` …).
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { Rule } from '../../engine/types';
import { isPathOrUrl, operandValues, optionValue, packageCalls, unpinnedMessage } from './package-managers';
import { pinningFindings, type InstallCommand } from './package-pinning';

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
  check(model, context) {
    const installs: InstallCommand[] = [];
    for (const call of packageCalls(model, ZYPPER)) {
      if (call.verb.value !== 'install' && call.verb.value !== 'in') continue;
      // `-t pattern|patch|product`: the operands are not packages.
      const type = call.options.map((o) => optionValue(call, o, ['--type', '-t'])).find((v) => v !== undefined);
      if (type !== undefined && type !== 'package') continue;
      const packages = operandValues(model, call, call.operands)
        .filter(({ value }) => !/[=<>]/.test(value) && !isPathOrUrl(value) && !/\.rpm$/i.test(value))
        .map(({ word, value }) => ({ word, name: value, message: unpinnedMessage('zypper install', value, `'${value}=<version>'`) }));
      installs.push({ call, manager: 'zypper', tool: 'zypper', packages });
    }
    return pinningFindings(model, context, installs);
  },
};
