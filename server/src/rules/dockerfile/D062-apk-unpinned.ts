// CG-D062: `apk add <pkg>` without `=<version>` (or `~<version>`).
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { Rule } from '../../engine/types';
import { isPathOrUrl, operandValues, packageCalls, unpinnedMessage } from './package-managers';
import { pinningFindings, type InstallCommand } from './package-pinning';

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
  check(model, context) {
    const installs: InstallCommand[] = [];
    for (const call of packageCalls(model, APK)) {
      if (call.verb.value !== 'add') continue;
      const packages = operandValues(model, call, call.operands)
        .filter(({ value }) => !/[=~<>]/.test(value) && !isPathOrUrl(value) && !/\.apk$/i.test(value))
        .map(({ word, value }) => ({ word, name: value, message: unpinnedMessage('apk add', value, `'${value}=<version>' or '${value}~<major.minor>'`) }));
      installs.push({ call, manager: 'apk', tool: 'apk', packages });
    }
    return pinningFindings(model, context, installs);
  },
};
