// CG-D063: `yum`/`dnf`/`microdnf install <pkg>` without `-<version>[-<release>]`, and
// `… module install <module>` without `:<stream>`.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { Rule } from '../../engine/types';
import { isPathOrUrl, operandValues, packageCalls, unpinnedMessage, type PackageCall } from './package-managers';
import { pinningFindings, type InstallCommand, type UnpinnedPackage } from './package-pinning';

const RPM = new Set(['rpm'] as const);
const TOOLS = new Set(['yum', 'dnf', 'dnf5', 'microdnf']);
/**
 * Ends in `-<version>` or `-<version>-<release>`, each starting with a digit, with an optional
 * epoch (`openssl-1:3.0.7`): `nginx-1.24.0`, `curl-7.76.1-26.el9`. `java-17-openjdk` is a name.
 */
const PINNED = /^.+-(\d+:)?\d[^-]*(-\d[^-]*)?$/;

/** Whether a yum/dnf package word carries a version. */
export function isPinnedRpmPackage(word: string): boolean {
  return PINNED.test(word);
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D063',
    title: 'yum/dnf install without a pinned version',
    description:
      '`yum`/`dnf`/`microdnf install <pkg>` without `-<version>` installs whatever version the repository has on the day of the build, so builds are not reproducible. Pin it with `<pkg>-<version>`.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: [
      'hadolint DL3033',
      'hadolint DL3041',
      'KICS 6452c424-1d92-4deb-bb18-a03e95d579c4',
      'KICS 93d88cf7-f078-46a8-8ddc-178e03aeacf1',
    ],
    fixable: false,
  },
  check(model, context) {
    const installs: InstallCommand[] = [];
    for (const call of packageCalls(model, RPM)) {
      if (!TOOLS.has(call.tool)) continue;
      if (call.verb.value === 'install') installs.push({ call, manager: 'rpm', tool: call.tool, packages: unpinnedPackages(model, call) });
      else if (call.verb.value === 'module' && call.operands[0]?.value === 'install') {
        installs.push({ call, manager: 'rpm', tool: call.tool, packages: unpinnedModules(model, call), noun: MODULES });
      }
    }
    return pinningFindings(model, context, installs);
  },
};

const MODULES = { one: 'module without a pinned stream', many: 'modules without pinned streams' };

function unpinnedPackages(model: DockerfileModel, call: PackageCall): UnpinnedPackage[] {
  return operandValues(model, call, call.operands)
    .filter(({ value }) => !isPathOrUrl(value) && !/\.rpm$/i.test(value))
    // Groups (`@core`), provides (`dnf-command(x)`, `/usr/bin/x`) and globs name no single package.
    .filter(({ value }) => !/^@|[()*?[\]]/.test(value) && !isPinnedRpmPackage(value))
    .map(({ word, value }) => ({ word, name: value, message: unpinnedMessage(`${call.tool} install`, value, `'${value}-<version>'`) }));
}

/** `module install nodejs` or `nodejs/common`: the stream (`nodejs:20`) is what pins a module. */
function unpinnedModules(model: DockerfileModel, call: PackageCall): UnpinnedPackage[] {
  return operandValues(model, call, call.operands.slice(1))
    .filter(({ value }) => !value.includes(':'))
    .map(({ word, value }) => {
      const name = value.replace(/\/.*$/, '');
      return {
        word,
        name: value,
        message: `${call.tool} module install '${value}' names no stream, so each build installs the module's default stream of that day. Pin it ('${name}:<stream>').`,
      };
    });
}
