// CG-D063: `yum`/`dnf`/`microdnf install <pkg>` without `-<version>[-<release>]`.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { isPathOrUrl, packageCalls, resolvedOperand, unpinnedMessage } from './package-managers';

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
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of packageCalls(model, RPM)) {
      if (!TOOLS.has(call.tool) || call.verb.value !== 'install') continue;
      for (const word of call.operands) {
        const value = resolvedOperand(model, call, word);
        if (value === null || value === '' || isPathOrUrl(value) || /\.rpm$/i.test(value)) continue;
        // Groups (`@core`), provides (`dnf-command(x)`, `/usr/bin/x`) and globs name no single package.
        if (/^@|[()*?[\]]/.test(value) || isPinnedRpmPackage(value)) continue;
        findings.push({
          message: unpinnedMessage(`${call.tool} install`, value, `'${value}-<version>'`),
          range: word.range,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
