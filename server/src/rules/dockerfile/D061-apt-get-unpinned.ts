// CG-D061: `apt-get install <pkg>` without `=<version>`: each build installs whatever version the
// archive has that day.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { Rule } from '../../engine/types';
import { aptInstallsNothing, isPathOrUrl, operandValues, packageCalls, unpinnedMessage } from './package-managers';
import { pinningFindings, type InstallCommand } from './package-pinning';

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
  check(model, context) {
    const installs: InstallCommand[] = [];
    for (const call of packageCalls(model, APT)) {
      // `-s`, `--dry-run`, `-d`, `--print-uris` …: nothing is installed.
      if (call.tool !== 'apt-get' || call.verb.value !== 'install' || aptInstallsNothing(call)) continue;
      const packages = operandValues(model, call, call.operands)
        .filter(({ value }) => !value.includes('=') && !isPathOrUrl(value) && !/\.deb$/i.test(value))
        .map(({ word, value }) => ({ word, name: value, message: unpinnedMessage('apt-get', value, `'${value}=<version>'`) }));
      installs.push({ call, manager: 'apt', tool: 'apt-get', packages });
    }
    return pinningFindings(model, context, installs);
  },
};
