// What the package pinning rules (CG-D061–D068) share once each has read which packages of an
// install command are unpinned (catalogue §6.1):
//   * a package that a later command of the same RUN removes again is not counted: it does not
//     ship (`apt-get purge`, `apk del`, `pip uninstall` …, `apk add --virtual .x` then `apk del .x`,
//     and the official images' `apt-mark auto '.*'` + `apt-get purge --auto-remove` idiom);
//   * with `summarize` on, the rest of one install command is one finding on its first unpinned
//     package, naming the count and the first three; with it off, one finding per package.
import type { Range } from 'vscode-languageserver-types';
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { ShellWord } from '../../engine/dockerfile/shell';
import type { RelatedInfo, RuleContext, RuleFinding } from '../../engine/types';
import { splitArgs, toolCalls, type RunInstruction, type ToolCall } from './commands';
import { operandValues, optionValue, packageCalls, type PackageCall, type PackageFamily } from './package-managers';

/** A package manager as far as removal goes: each undoes only its own installs. */
export type Manager = PackageFamily | 'pip' | 'pipx' | 'npm' | 'gem' | 'go';

/** One package an install command leaves unpinned. */
export interface UnpinnedPackage {
  /** The operand word it is written in (an unquoted `$PKGS` word can hold several packages). */
  word: ShellWord;
  /** The package as the build sees it, variables expanded: `curl`, `django>=4`. */
  name: string;
  /** The message of its own finding (with `summarize` off). */
  message: string;
  /** The range of its own finding, when narrower than the word (`@latest` of a `go install` word). */
  range?: Range;
}

/** One install command and its unpinned packages, in the order written. */
export interface InstallCommand {
  call: ToolCall & RunInstruction;
  manager: Manager;
  /** How the summary names the tool: `apt-get`, `dnf`, `pip`. */
  tool: string;
  packages: UnpinnedPackage[];
  /** What the summary counts (default: packages without a pinned version). */
  noun?: { one: string; many: string };
}

const PACKAGES = { one: 'package without a pinned version', many: 'packages without pinned versions' };

/**
 * The findings of one pinning rule: the unpinned packages of each install command, minus those
 * the same RUN removes again; one finding per command with `summarize` on, else one per package.
 */
export function pinningFindings(model: DockerfileModel, context: RuleContext, installs: readonly InstallCommand[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const install of installs) {
    const removals = removalsAfter(model, install);
    const packages = install.packages.filter((p) => !removals.some((removal) => removal(p)));
    if (packages.length === 0) continue;
    if (context.summarize) findings.push(summaryFinding(install, packages));
    else for (const p of packages) findings.push({ message: p.message, range: p.range ?? p.word.range, fixes: [] });
  }
  return findings;
}

/** `apt-get installs 23 packages without pinned versions: ca-certificates, curl, gnupg, +20 more`. */
function summaryFinding(install: InstallCommand, packages: UnpinnedPackage[]): RuleFinding {
  // A package named twice in one command is counted once.
  const unique = packages.filter((p, i) => packages.findIndex((q) => q.name === p.name) === i);
  const [first, ...others] = unique;
  const count = unique.length;
  const noun = install.noun ?? PACKAGES;
  const listed = unique.slice(0, 3).map((p) => p.name).join(', ') + (count > 3 ? `, +${count - 3} more` : '');
  const related: RelatedInfo[] = others.map((p) => ({ range: p.word.range, message: `'${p.name}' is not pinned either.` }));
  return {
    message: `${install.tool} installs ${count} ${count === 1 ? noun.one : noun.many}: ${listed}`,
    // The start of the first unpinned package is the summary's identity across versions.
    range: first.word.range,
    related: related.length ? related : undefined,
    fixes: [],
  };
}

// ---- removal in the same RUN ------------------------------------------------------------------------

/** Whether a later command of the RUN removes the package again. */
type Removal = (p: UnpinnedPackage) => boolean;

/** The tools of each manager, and their removal verbs. */
const TOOLS: Record<Manager, ReadonlySet<string>> = {
  apt: new Set(['apt-get', 'apt']),
  apk: new Set(['apk']),
  rpm: new Set(['yum', 'dnf', 'dnf5', 'microdnf', 'tdnf']),
  zypper: new Set(['zypper']),
  pip: new Set(['pip']),
  pipx: new Set(['pipx']),
  npm: new Set(['npm']),
  gem: new Set(['gem']),
  go: new Set(),
};
const REMOVE_VERBS: Record<Manager, ReadonlySet<string>> = {
  apt: new Set(['purge', 'remove', 'autoremove']),
  apk: new Set(['del']),
  rpm: new Set(['remove', 'erase', 'autoremove']),
  zypper: new Set(['remove', 'rm']),
  pip: new Set(['uninstall']),
  pipx: new Set(['uninstall']),
  npm: new Set(['uninstall', 'un', 'unlink', 'remove', 'rm', 'r']),
  gem: new Set(['uninstall']),
  go: new Set(),
};
/** Options of pip/npm/gem removals that take a separate value (the OS managers' are in package-managers). */
const REMOVE_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set([
  '-r', '--requirement', '--root-user-action', '--python', // pip, pipx
  '--prefix', '-w', '--workspace', '-C', // npm
  '-v', '--version', '-i', '--install-dir', '-n', '--bindir', '--platform', // gem
]);

/** One removal command: its operands and whether it also removes auto-installed packages. */
interface RemovalCall {
  call: ToolCall & RunInstruction;
  operands: ShellWord[];
  autoRemove: boolean;
}

/** The checks of every later command of the install's RUN that undoes its packages. */
function removalsAfter(model: DockerfileModel, install: InstallCommand): Removal[] {
  const { call, manager } = install;
  const later = (other: ToolCall & RunInstruction) => other.instruction === call.instruction && other.command.start > call.command.start;
  const removals: Removal[] = [];
  const calls = removalCalls(model, manager).filter((r) => later(r.call));
  for (const removal of calls) {
    const names = new Set(operandValues(model, removal.call, removal.operands).map((o) => packageName(manager, o.value)));
    const written = new Set(removal.operands.map((w) => normalizeVariables(w.value)));
    removals.push((p) => written.has(normalizeVariables(p.word.value)) || names.has(packageName(manager, p.name)));
  }
  if (manager === 'apk') {
    // `apk add --virtual .build-deps …` then `apk del .build-deps`: the whole add goes.
    const virtual = 'optionValues' in call ? apkVirtualName(call as PackageCall) : undefined;
    if (virtual !== undefined && calls.some((r) => operandValues(model, r.call, r.operands).some((o) => o.value === virtual))) removals.push(() => true);
  }
  if (manager === 'apt') removals.push(...aptMarkAutoRemovals(model, call, calls));
  return removals;
}

/** Every removal call of a manager in the file. */
function removalCalls(model: DockerfileModel, manager: Manager): RemovalCall[] {
  const verbs = REMOVE_VERBS[manager];
  if (manager === 'apt' || manager === 'apk' || manager === 'rpm' || manager === 'zypper') {
    return packageCalls(model, new Set([manager]))
      .filter((c) => TOOLS[manager].has(c.tool) && verbs.has(c.verb.value))
      .map((c) => ({
        call: c,
        operands: c.operands,
        autoRemove: c.verb.value === 'autoremove' || c.options.some((o) => o.value === '--auto-remove' || o.value === '--autoremove'),
      }));
  }
  const result: RemovalCall[] = [];
  for (const call of toolCalls(model, TOOLS[manager])) {
    const [verb, ...operands] = splitArgs(call.args, REMOVE_OPTIONS_WITH_VALUE).operands;
    if (verb && verbs.has(verb.value)) result.push({ call, operands, autoRemove: false });
  }
  return result;
}

/** The name of `apk add --virtual <name>` / `-t <name>`, if any. */
function apkVirtualName(call: PackageCall): string | undefined {
  for (const option of call.options) {
    const value = optionValue(call, option, ['--virtual', '-t']);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The official images' idiom: `savedAptMark="$(apt-mark showmanual)"; apt-get install …;
 * apt-mark auto '.*'; apt-mark manual $savedAptMark; apt-get purge -y --auto-remove`. A package
 * the RUN installed goes when, after the install, `apt-mark auto` names it (a pattern that
 * matches it) and a later purge/remove with `--auto-remove` (or `autoremove`) follows, unless
 * it was captured as manual in between (a `showmanual` after the install) or marked manual again.
 */
function aptMarkAutoRemovals(model: DockerfileModel, install: ToolCall & RunInstruction, removals: RemovalCall[]): Removal[] {
  const marks = toolCalls(model, APT_MARK)
    .filter((m) => m.instruction === install.instruction && m.command.start > install.command.start)
    .map((m) => ({ call: m, ...splitArgs(m.args, APT_MARK_OPTIONS_WITH_VALUE) }));
  const result: Removal[] = [];
  for (const auto of marks) {
    const [verb, ...patterns] = auto.operands;
    if (verb?.value !== 'auto' && verb?.value !== 'markauto') continue;
    const at = auto.call.command.start;
    // A `showmanual` between the install and the `auto` saved the package as manual.
    if (marks.some((m) => m.operands[0]?.value === 'showmanual' && m.call.command.start < at)) continue;
    const purge = removals.find((r) => r.autoRemove && r.call.command.start > at);
    if (!purge) continue;
    const manual = marks.filter((m) => m.operands[0]?.value === 'manual' && m.call.command.start > at && m.call.command.start < purge.call.command.start);
    const names = (m: { call: ToolCall & RunInstruction; operands: ShellWord[] }) => operandValues(model, m.call, m.operands.slice(1)).map((o) => o.value);
    const autoPatterns = names(auto);
    const keptNames = new Set(manual.flatMap(names).map((n) => packageName('apt', n)));
    result.push((p) => {
      const name = packageName('apt', p.name);
      return !keptNames.has(name) && autoPatterns.some((pattern) => aptPatternMatches(pattern, name));
    });
  }
  return result;
}

const APT_MARK = new Set(['apt-mark']);
const APT_MARK_OPTIONS_WITH_VALUE = new Set(['-f', '--file', '-o', '--option', '-c', '--config-file']);

/**
 * Whether an `apt-mark` argument names a package as apt reads it: the name itself, else a regular
 * expression when it has regex characters (`.*`, unanchored as apt matches it), else a glob.
 */
export function aptPatternMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (/[.?+*|[\]^$]/.test(pattern)) {
    try {
      if (new RegExp(pattern).test(name)) return true;
    } catch {
      // not a regular expression: try it as a glob below
    }
  }
  if (/[*?[]/.test(pattern)) {
    const glob = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    try {
      return new RegExp(`^${glob}$`).test(name);
    } catch {
      return false;
    }
  }
  return false;
}

/** The package a word names, without version, release, architecture or extras, for comparison. */
function packageName(manager: Manager, value: string): string {
  switch (manager) {
    case 'apt':
      return value.replace(/[=/].*$/, '').replace(/:[a-z0-9-]+$/, '');
    case 'apk':
      return value.replace(/[=~<>].*$/, '');
    case 'pip':
    case 'pipx':
      return value.replace(/[[<>=!~;@ ].*$/, '').toLowerCase().replace(/[-_.]+/g, '-');
    case 'npm': {
      const at = value.indexOf('@', 1);
      return at > 0 ? value.slice(0, at) : value;
    }
    case 'gem':
      return value.replace(/:.*$/, '');
    default:
      return value;
  }
}

/** `${NAME}` → `$NAME`, so the same variable written two ways compares equal. */
function normalizeVariables(value: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, '$$$1');
}
