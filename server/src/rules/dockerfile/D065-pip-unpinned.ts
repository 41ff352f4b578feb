// CG-D065: `pip install <pkg>` (and `pipx install <pkg>`) without `==<version>` (or `===`), and
// VCS URLs without `@<ref>`. Requirement files, local paths, wheels and archives, other URLs, and
// any `pip install` with a constraints file (`-c`) or `--require-hashes` are not reported.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { ShellWord } from '../../engine/dockerfile/shell';
import type { Rule } from '../../engine/types';
import { splitArgs, toolCalls, type RunInstruction, type SplitArgs, type ToolCall } from './commands';
import { isLocalPath, isPathOrUrl, operandValues, optionValue, unpinnedMessage } from './package-managers';
import { pinningFindings, type InstallCommand, type UnpinnedPackage } from './package-pinning';

const PIP = new Set(['pip', 'pipx']);
const WITH_VALUE = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f',
  '--find-links', '-t', '--target', '--prefix', '--root', '--src', '--trusted-host', '--platform', '--python-version',
  '--implementation', '--abi', '--only-binary', '--no-binary', '--progress-bar', '--cache-dir', '--log', '--proxy',
  '--retries', '--timeout', '--exists-action', '--cert', '--client-cert', '--global-option', '--install-option',
  '-C', '--config-settings', '--upgrade-strategy', '--root-user-action', '--report', '--use-feature', '--python',
  '--use-deprecated', '--keyring-provider', '--group',
  // pipx install
  '--pip-args', '--suffix', '--spec', '--preinstall', '--backend',
]);
const ARCHIVE = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$/i;
/** A version-control URL: `git+https://…`, `hg+ssh://…`, `svn+…`, `bzr+…`. */
const VCS = /^(git|hg|svn|bzr)\+/i;

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
  check(model, context) {
    const installs: InstallCommand[] = [];
    for (const call of toolCalls(model, PIP)) {
      const split = splitArgs(call.args, WITH_VALUE);
      const [verb, ...operands] = split.operands;
      if (verb?.value !== 'install') continue;
      // `--require-hashes` refuses anything not pinned; a constraints file pins every package.
      if (split.options.some((o) => o.value === '--require-hashes' || optionValue(split, o, ['--constraint', '-c']) !== undefined)) continue;
      // Editables are judged only when they are VCS URLs (`-e .` is local).
      const editables = split.options.map((o) => editable(split, o)).filter((w): w is ShellWord => w !== undefined);
      installs.push({ call, manager: call.tool === 'pipx' ? 'pipx' : 'pip', tool: call.tool, packages: unpinnedRequirements(model, call, [...editables, ...operands].sort((a, b) => a.start - b.start)) });
    }
    return pinningFindings(model, context, installs);
  },
};

/** The word of `-e X` / `--editable X` (`--editable=X` is not split, and is rare). */
function editable(split: SplitArgs, option: ShellWord): ShellWord | undefined {
  return option.value === '-e' || option.value === '--editable' ? split.optionValues.get(option) : undefined;
}

function unpinnedRequirements(model: DockerfileModel, call: ToolCall & RunInstruction, words: ShellWord[]): UnpinnedPackage[] {
  const packages: UnpinnedPackage[] = [];
  const values = operandValues(model, call, words);
  for (let i = 0; i < values.length; i++) {
    const { word, value } = values[i];
    // `name @ <url>` (a PEP 508 direct reference): the URL decides.
    if (values[i + 1]?.value === '@' && values[i + 2]) {
      const url = values[i + 2];
      if (VCS.test(url.value) && !vcsRef(url.value)) packages.push(unpinnedVcs(url.word, url.value, call.tool));
      i += 2;
      continue;
    }
    const direct = value.indexOf(' @ ');
    if (direct > 0) {
      const url = value.slice(direct + 3).trim();
      if (VCS.test(url) && !vcsRef(url)) packages.push(unpinnedVcs(word, value, call.tool));
      continue;
    }
    if (VCS.test(value)) {
      if (!vcsRef(value)) packages.push(unpinnedVcs(word, value, call.tool));
      continue;
    }
    if (value.includes('==') || isPathOrUrl(value) || isLocalPath(value) || ARCHIVE.test(value)) continue;
    // Environment markers make a requirement conditional; they are not read.
    if (value === '@' || value.includes(';')) continue;
    const name = value.replace(/[<>=!~].*$/, '');
    packages.push({ word, name: value, message: unpinnedMessage(call.tool, value, `'${name}==<version>'`) });
  }
  return packages;
}

/** Whether a VCS URL names a ref: an `@` in its path (`git+https://h/x.git@v1.2#egg=x`). */
function vcsRef(url: string): boolean {
  const withoutFragment = url.replace(/#.*$/, '');
  const scheme = withoutFragment.indexOf('://');
  const rest = scheme >= 0 ? withoutFragment.slice(scheme + 3) : withoutFragment.slice(withoutFragment.indexOf('+') + 1);
  const path = rest.indexOf('/');
  return path >= 0 && /@[^@]+$/.test(rest.slice(path));
}

function unpinnedVcs(word: ShellWord, value: string, tool: string): UnpinnedPackage {
  return {
    word,
    name: value,
    message: `${tool} installs '${value}' from the tip of its repository, so each build can install a different (untested) commit. Pin it with '@<tag or commit>' after the repository URL.`,
  };
}
