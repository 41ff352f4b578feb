// OS package manager calls in RUN commands: which family (apt, apk, yum/dnf, zypper), which verb
// (`install`, `update` …) and which package operands, with the options that take a separate value
// skipped so `--enablerepo crb` or `-t .build-deps` are never read as packages.
import type { DerivedKey, DockerfileModel } from '../../engine/dockerfile/model';
import type { ShellWord } from '../../engine/dockerfile/shell';
import { splitArgs, toolCalls, type RunInstruction, type ToolCall } from './commands';

export type PackageFamily = 'apt' | 'apk' | 'rpm' | 'zypper';

const FAMILY: Record<string, PackageFamily> = {
  'apt-get': 'apt',
  apt: 'apt',
  apk: 'apk',
  yum: 'rpm',
  dnf: 'rpm',
  dnf5: 'rpm',
  microdnf: 'rpm',
  tdnf: 'rpm',
  zypper: 'zypper',
};

/** Options whose value is the next word, per family. */
export const OPTIONS_WITH_VALUE: Record<PackageFamily, ReadonlySet<string>> = {
  apt: new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release', '-a', '--host-architecture']),
  apk: new Set(['-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file', '-t', '--virtual', '--progress-fd', '--cache-max-age', '--timeout']),
  rpm: new Set([
    '--enablerepo', '--disablerepo', '--setopt', '--installroot', '--releasever', '-c', '--config', '-x', '--exclude',
    '--repo', '--repoid', '-d', '--debuglevel', '-e', '--errorlevel', '--downloaddir', '--destdir', '--forcearch',
    '--repofrompath', '--rpmverbosity', '--color', '--disableexcludes', '--disableplugin', '--enableplugin',
    '--advisory', '--advisories', '--bz', '--cve', '--secseverity', '--sec-severity', '-R', '--randomwait', '--comment',
    '--nodocs-path', '--exclude-from', '--use-host-config',
  ]),
  zypper: new Set(['-R', '--root', '-c', '--config', '--reposd-dir', '-D', '--cache-dir', '-C', '--raw-cache-dir', '--solv-cache-dir', '--pkg-cache-dir', '-r', '--repo', '--from', '-t', '--type']),
};

export interface PackageCall extends ToolCall, RunInstruction {
  family: PackageFamily;
  /** The verb word (`install`, `add`, `update`), the first operand. */
  verb: ShellWord;
  /** Every option of the command line (before and after the verb). */
  options: ShellWord[];
  /** Values of separate-value options, keyed by the option word. */
  optionValues: Map<ShellWord, ShellWord>;
  /** Operands after the verb (packages, for install verbs). */
  operands: ShellWord[];
}

const packageManagers = new Set(Object.keys(FAMILY));
/** Every package manager call of a model, computed once (several rules ask). */
const PACKAGE_CALLS: DerivedKey<PackageCall[]> = { name: 'package manager calls' };

/** Every OS package manager call with a verb, in document order. */
export function packageCalls(model: DockerfileModel, families?: ReadonlySet<PackageFamily>): PackageCall[] {
  const calls = model.derived.get(PACKAGE_CALLS, () => {
    const all: PackageCall[] = [];
    for (const call of toolCalls(model, packageManagers)) {
      const family = FAMILY[call.tool];
      const split = splitArgs(call.args, OPTIONS_WITH_VALUE[family]);
      const [verb, ...operands] = split.operands;
      if (!verb) continue;
      all.push({ ...call, family, verb, options: split.options, optionValues: split.optionValues, operands });
    }
    return all;
  });
  return families ? calls.filter((call) => families.has(call.family)) : calls;
}

/** The value of an option in either form: `--name=value`, `--name value`, `-ovalue` (short). */
export function optionValue(call: Pick<PackageCall, 'optionValues'>, option: ShellWord, names: readonly string[]): string | undefined {
  const value = option.value;
  for (const name of names) {
    if (value === name) return call.optionValues.get(option)?.value;
    if (name.startsWith('--') && value.startsWith(`${name}=`)) return value.slice(name.length + 1);
    if (!name.startsWith('--') && value.startsWith(name) && value.length > name.length) return value.slice(name.length);
  }
  return undefined;
}

/** The verbs that refresh the package index, per family. */
export const UPDATE_VERBS: Record<PackageFamily, ReadonlySet<string>> = {
  apt: new Set(['update']),
  apk: new Set(['update']),
  rpm: new Set(['update', 'makecache']),
  zypper: new Set(['update', 'up', 'refresh', 'ref']),
};

/** The verbs that install or upgrade packages from the index, per family. */
export const INSTALL_VERBS: Record<PackageFamily, ReadonlySet<string>> = {
  apt: new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall', 'source', 'download']),
  apk: new Set(['add', 'upgrade', 'fix']),
  rpm: new Set(['install', 'groupinstall', 'localinstall', 'reinstall', 'upgrade', 'downgrade', 'group', 'module', 'distro-sync']),
  zypper: new Set(['install', 'in', 'dist-upgrade', 'dup', 'patch', 'source-install', 'si']),
};

/** Whether an apk call refreshes the index itself (`apk add --update` / `--update-cache` / `-U`). */
export function apkUpdatesItself(call: PackageCall): boolean {
  return call.options.some((o) => o.value === '--update' || o.value === '--update-cache' || o.value === '-U');
}

// ---- package operands ---------------------------------------------------------------------------

/** A package word as the build would see it: `$VARS` expanded; null when a variable is unknown. */
export function resolvedOperand(model: DockerfileModel, call: { instruction: RunInstruction['instruction'] }, word: ShellWord): string | null {
  if (!word.dynamic) return word.value;
  if (/\$\(|`/.test(word.value)) return null; // command substitution: unknown
  return model.expand(word.value, call.instruction).value;
}

/** One package operand as the build sees it, with the word it was written in. */
export interface OperandValue {
  word: ShellWord;
  value: string;
}

/**
 * The package operands of a command as the build sees them, in order: `$VARS` expanded (a variable
 * whose value is unknown drops its word: we never guess), and an unquoted `$PKGS` that expands to
 * `curl wget` split into its words, as the shell splits it.
 */
export function operandValues(model: DockerfileModel, call: { instruction: RunInstruction['instruction'] }, words: readonly ShellWord[]): OperandValue[] {
  const result: OperandValue[] = [];
  for (const word of words) {
    const value = resolvedOperand(model, call, word);
    if (value === null) continue;
    const values = word.dynamic && !word.quoted ? value.split(/\s+/) : [value];
    for (const v of values) if (v !== '') result.push({ word, value: v });
  }
  return result;
}

/** A path or URL rather than a package name (`./x.deb`, `/tmp/a.rpm`, `~/p`, `https://…`). */
export function isPathOrUrl(value: string): boolean {
  return /^(\.{1,2}(\/|$)|\/|~\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(value);
}

/** A file of the build's own file system (`./x.deb`, `/tmp/pkgs/*.apk`, `dist/x.whl`), not a URL. */
export function isLocalPath(value: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return false;
  return /^(\.{1,2}(\/|$)|\/|~\/)/.test(value) || value.includes('/');
}

/** Builds the finding of the package pinning rules (D061–D067): Info, no offline fix. */
export function unpinnedMessage(tool: string, name: string, how: string): string {
  return `${tool} installs '${name}' without a pinned version, so each build can install a different (untested) version. Pin it (${how}).`;
}

// ---- apt-get options -------------------------------------------------------------------------------

/** apt-get options that make `install` only simulate or download: nothing is installed. */
const INSTALLS_NOTHING = new Set(['-s', '--simulate', '--dry-run', '--just-print', '--no-act', '--recon', '-d', '--download-only', '--print-uris']);
/** A cluster of apt-get's boolean short options (`-qqs`, `-yd`). */
const APT_SHORT_FLAGS = /^-[qysdfmuVbh]+$/;

/** Whether an apt-get call only simulates or downloads (`-s`, `--dry-run`, `-d`, `--print-uris` …). */
export function aptInstallsNothing(call: PackageCall): boolean {
  return call.options.some((o) => INSTALLS_NOTHING.has(o.value) || (APT_SHORT_FLAGS.test(o.value) && /[sd]/.test(o.value)));
}
