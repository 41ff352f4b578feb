// CG-D065: `pip install <pkg>` without `==<version>` (or `===`). Requirement files, constraint
// files, local paths and archives, URLs, and any `pip install --require-hashes` are not reported.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { splitArgs, toolCalls } from './commands';
import { isPathOrUrl, resolvedOperand, unpinnedMessage } from './package-managers';

const PIP = new Set(['pip']);
const WITH_VALUE = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f',
  '--find-links', '-t', '--target', '--prefix', '--root', '--src', '--trusted-host', '--platform', '--python-version',
  '--implementation', '--abi', '--only-binary', '--no-binary', '--progress-bar', '--cache-dir', '--log', '--proxy',
  '--retries', '--timeout', '--exists-action', '--cert', '--client-cert', '--global-option', '--install-option',
  '-C', '--config-settings', '--upgrade-strategy', '--root-user-action', '--report', '--use-feature', '--python',
  '--use-deprecated', '--keyring-provider', '--group',
]);
const ARCHIVE = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$/i;

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D065',
    title: 'pip install without a pinned version',
    description:
      '`pip install <pkg>` without `==<version>` installs whatever PyPI serves on the day of the build, so builds are not reproducible and a compromised release goes straight in. Pin with `==`, ideally from a hashed requirements file.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['hadolint DL3013', 'KICS 02d9c71f-3ee8-4986-9c27-1a20d0d19bfc'],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of toolCalls(model, PIP)) {
      const split = splitArgs(call.args, WITH_VALUE);
      const [verb, ...operands] = split.operands;
      if (verb?.value !== 'install') continue;
      if (split.options.some((o) => o.value === '--require-hashes')) continue;
      for (const word of operands) {
        const value = resolvedOperand(model, call, word);
        if (value === null || value === '' || value.includes('==') || isPathOrUrl(value) || ARCHIVE.test(value)) continue;
        // `git+https://…`, `pkg @ https://…` direct references and environment markers.
        if (/^[a-z]+\+/i.test(value) || value === '@' || value.includes(';')) continue;
        const name = value.replace(/[<>=!~].*$/, '');
        findings.push({
          message: unpinnedMessage('pip', value, `'${name}==<version>'`),
          range: word.range,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
