// CG-D013: package signature or integrity checks turned off: apk --allow-untrusted, apt-get
// --allow-unauthenticated / --force-yes, yum/dnf --nogpgcheck or --setopt=gpgcheck=0, a
// `gpgcheck=0` line written into a yum/dnf repository or configuration file, zypper
// --no-gpg-checks, rpm --nosignature and friends. zypper --gpg-auto-import-keys is a Warning;
// `--allow-untrusted` / `--allow-unauthenticated` that installs only local files is Info.
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { commandsOf, type ShellCommand } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import {
  deleteWordsEdit, isFalseValue, isShortCluster, RPM_MANAGERS, runInstructions, setOptNames, setOpts, toolCall, type ToolCall,
} from './commands';
import { isLocalPath, isPathOrUrl, operandValues, packageCalls, type PackageCall } from './package-managers';

const APT = new Set(['apt-get', 'apt']);
const RPM_FLAGS = new Set(['--nodigest', '--nosignature', '--noverify', '--nofiledigest']);
/** Files yum/dnf read `gpgcheck` from. */
export function isRepoConfigPath(path: string): boolean {
  return (path.startsWith('/etc/yum.repos.d/') && path.endsWith('.repo')) || path === '/etc/yum.conf' || path === '/etc/dnf/dnf.conf';
}
const GPGCHECK_LINE = /^[ \t]*gpgcheck[ \t]*=[ \t]*(0|false|no|off)[ \t]*$/i;

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D013',
    title: 'Package signature verification disabled',
    description:
      'Options such as `apk --allow-untrusted`, `apt-get --allow-unauthenticated`, `yum --nogpgcheck` or `gpgcheck=0` install packages whose signatures were never checked, so a tampered mirror or a network attacker can ship code into the image.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['CKV2_DOCKER_7', 'CKV2_DOCKER_8', 'CKV2_DOCKER_11', 'CKV2_DOCKER_9', 'CKV2_DOCKER_10', 'CIS 4.11', 'Dockle CIS-DI-0011'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const run of runInstructions(model)) {
      const commands = commandsOf(model, run.instruction);
      for (const command of commands) {
        const call = toolCall(command);
        if (call) findings.push(...optionFindings(model, call));
        findings.push(...repoFileWrites(model, command, commands));
      }
    }
    for (const instruction of model.instructions) {
      const copy = instruction.keyword === 'COPY' || instruction.keyword === 'ADD' ? instruction : instruction.trigger;
      if (copy && (copy.keyword === 'COPY' || copy.keyword === 'ADD') && copy.heredocs.length > 0) findings.push(...copyHeredocs(model, copy));
    }
    return findings;
  },
};

function optionFindings(model: DockerfileModel, call: ToolCall): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const remove = (word: ToolCall['args'][number], message: string, severity?: 'warning' | 'info'): void => {
    findings.push({
      message,
      range: word.range,
      severity,
      fixes: [{ title: `Remove '${word.value}'`, edits: [deleteWordsEdit(model, call.command, word)], isPreferred: false }],
    });
  };
  const options = call.args.slice(0, endOfOptions(call.args));
  if (call.tool === 'apk') {
    for (const word of options) {
      if (word.value !== '--allow-untrusted') continue;
      const local = localPackagesOnly(model, call);
      if (local) {
        remove(word, `apk '--allow-untrusted' here installs only local files (${local}), so no repository is trusted blindly; their signatures are still not checked. Sign them with a key under /etc/apk/keys and remove the option.`, 'info');
      } else {
        remove(word, "apk '--allow-untrusted' installs packages whose signature is missing or made by an unknown key, so a tampered package goes in unnoticed. Remove it and add the repository's signing key under /etc/apk/keys instead.");
      }
    }
  } else if (APT.has(call.tool)) {
    for (const word of options) {
      if (word.value === '--allow-unauthenticated') {
        const local = localPackagesOnly(model, call);
        if (local) {
          remove(word, `${call.tool} '--allow-unauthenticated' here installs only local files (${local}), so no repository is trusted blindly; dependencies it fetches for them are not authenticated either. Remove it if the build works without it.`, 'info');
        } else {
          remove(word, `${call.tool} '--allow-unauthenticated' installs packages that could not be authenticated against a trusted repository key. Remove it and add the repository's key with 'signed-by=' instead.`);
        }
      } else if (word.value === '--force-yes') {
        findings.push(forceYes(model, call, word));
      }
    }
  } else if (RPM_MANAGERS.has(call.tool)) {
    for (const word of options) {
      if (word.value === '--nogpgcheck') {
        remove(word, `${call.tool} '--nogpgcheck' installs packages without checking their GPG signatures, so a tampered package goes in unnoticed. Remove it and import the repository's key with 'rpm --import' instead.`);
      }
    }
    for (const option of setOpts(options)) {
      if (!setOptNames(option, 'gpgcheck') || !isFalseValue(option.value)) continue;
      const written = option.first === option.last ? option.first.value : `${option.first.value} ${option.last.value}`;
      findings.push({
        message: `'${written}' turns off GPG signature checks for ${call.tool}, so a tampered package goes in unnoticed. Remove it and import the repository's key with 'rpm --import' instead.`,
        range: model.source.rangeOf(option.first.start, option.last.end),
        fixes: [{ title: `Remove '${written}'`, edits: [deleteWordsEdit(model, call.command, option.first, option.last)], isPreferred: false }],
      });
    }
  } else if (call.tool === 'zypper') {
    for (const word of options) {
      if (word.value === '--no-gpg-checks') {
        remove(word, "zypper '--no-gpg-checks' ignores failed or missing signature checks, so a tampered package goes in unnoticed. Remove it and import the repository's key instead.");
      } else if (word.value === '--gpg-auto-import-keys') {
        remove(word, "zypper '--gpg-auto-import-keys' trusts whatever new signing key a repository presents, without a fingerprint check. Import the key you expect with 'rpm --import' instead.", 'warning');
      }
    }
  } else if (call.tool === 'rpm') {
    for (const word of options) {
      if (RPM_FLAGS.has(word.value)) {
        remove(word, `rpm '${word.value}' skips the package's digest or signature check, so a tampered package goes in unnoticed. Remove it and import the signing key with 'rpm --import' instead.`);
      }
    }
  }
  return findings;
}

const LOCAL_INSTALL_VERBS = new Set(['add', 'install', 'reinstall']);

/**
 * The package arguments, listed for the message, when an apk/apt install names only local files
 * (`/tmp/pkgs/*.apk`, `./foo.deb`: built by a stage or copied in); undefined when any argument
 * could come from a repository, or a variable in one is unknown.
 */
function localPackagesOnly(model: DockerfileModel, call: ToolCall): string | undefined {
  const install = packageCalls(model).find((c): c is PackageCall => c.command === call.command);
  if (!install || !LOCAL_INSTALL_VERBS.has(install.verb.value) || install.operands.length === 0) return undefined;
  const values = operandValues(model, install, install.operands);
  const everyWordKnown = install.operands.every((word) => values.some((v) => v.word === word));
  const local = (value: string) => isLocalPath(value) || (install.family === 'apk' && !isPathOrUrl(value) && /\.apk$/i.test(value));
  if (!everyWordKnown || !values.every((v) => local(v.value))) return undefined;
  return values.map((v) => v.value).join(', ');
}

/** Options end at `--`. */
function endOfOptions(args: ToolCall['args']): number {
  const index = args.findIndex((w) => w.value === '--');
  return index < 0 ? args.length : index;
}

/** `--force-yes` → `-y` (or removed when the command already says yes). */
function forceYes(model: DockerfileModel, call: ToolCall, word: ToolCall['args'][number]): RuleFinding {
  const saysYes = call.args.some((w) => w.value === '--yes' || w.value === '--assume-yes' || (isShortCluster(w.value) && w.value.includes('y')));
  const edit: TextEdit = saysYes
    ? deleteWordsEdit(model, call.command, word)
    : { range: word.range, newText: call.command.execForm && call.command.depth === 0 ? '"-y"' : '-y' };
  return {
    message: `${call.tool} '--force-yes' also accepts unauthenticated packages and downgrades without asking. Use '-y' to answer prompts, and keep signature checks on.`,
    range: word.range,
    fixes: [{ title: saysYes ? "Remove '--force-yes'" : "Replace '--force-yes' with '-y'", edits: [edit], isPreferred: false }],
  };
}

// ---- gpgcheck=0 written into repository files ------------------------------------------------------

/** Text that ends up in a file, with the document offset of each character. */
interface Content {
  text: string;
  offsets: number[];
}

/** `echo … > /etc/yum.repos.d/x.repo`, `printf … | tee …`, `cat <<EOF > …`, `tee … <<EOF`. */
function repoFileWrites(model: DockerfileModel, command: ShellCommand, all: ShellCommand[]): RuleFinding[] {
  const call = toolCall(command);
  const contents: Content[] = command.heredocs.map((h) => ({ text: h.content, offsets: h.charOffsets }));
  if (call && (call.tool === 'echo' || call.tool === 'printf')) {
    for (const word of call.args) contents.push({ text: word.value, offsets: word.charOffsets });
  }
  if (contents.length === 0) return [];
  const targets: string[] = [];
  for (const redirect of command.redirects) {
    if (/^1?(>|>>|>\|)$/.test(redirect.op) && redirect.target) targets.push(redirect.target.value);
  }
  if (call?.tool === 'tee') targets.push(...call.args.filter((w) => !w.value.startsWith('-')).map((w) => w.value));
  if (command.after === '|') {
    const next = all.find((c) => c.depth === command.depth && c.start === command.nextStart);
    const nextCall = next ? toolCall(next) : undefined;
    if (nextCall?.tool === 'tee') targets.push(...nextCall.args.filter((w) => !w.value.startsWith('-')).map((w) => w.value));
  }
  const target = targets.find(isRepoConfigPath);
  if (!target) return [];
  const findings: RuleFinding[] = [];
  for (const content of contents) findings.push(...gpgcheckLines(model, content, target));
  return findings;
}

/** `COPY <<EOF /etc/yum.repos.d/x.repo` (or several here-documents into the directory). */
function copyHeredocs(model: DockerfileModel, copy: Instruction): RuleFinding[] {
  const firstLine = copy.args.filter((a) => a.range.start.line === copy.startLine && !a.value.startsWith('<<'));
  const destination = firstLine[firstLine.length - 1]?.value;
  if (!destination) return [];
  const findings: RuleFinding[] = [];
  for (const heredoc of copy.heredocs) {
    const path = destination.endsWith('/') ? destination + heredoc.name : destination;
    if (!isRepoConfigPath(path) || !heredoc.contentRange) continue;
    const start = model.source.offsetAt(heredoc.contentRange.start);
    const offsets = Array.from({ length: heredoc.content.length + 1 }, (_, k) => start + k);
    findings.push(...gpgcheckLines(model, { text: heredoc.content, offsets }, path));
  }
  return findings;
}

/** Each `gpgcheck=0` line of the content (lines split at real or `\n`-escaped line breaks). */
function gpgcheckLines(model: DockerfileModel, content: Content, path: string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const text = content.text;
  const breaks = /\r\n|\n|\r|\\n/g;
  let lineStart = 0;
  const lines: Array<[number, number]> = [];
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    lines.push([lineStart, m.index]);
    lineStart = m.index + m[0].length;
  }
  lines.push([lineStart, text.length]);
  for (const [from, to] of lines) {
    const line = text.slice(from, to);
    const m = GPGCHECK_LINE.exec(line);
    if (!m) continue;
    const keyAt = from + line.search(/gpgcheck/i);
    const valueAt = from + line.lastIndexOf(m[1]);
    const range: Range = model.source.rangeOf(content.offsets[keyAt], content.offsets[valueAt + m[1].length - 1] + 1);
    const valueRange = model.source.rangeOf(content.offsets[valueAt], content.offsets[valueAt + m[1].length - 1] + 1);
    const fix: Fix = { title: 'Write gpgcheck=1', edits: [{ range: valueRange, newText: '1' }], isPreferred: false };
    findings.push({
      message: `'gpgcheck=${m[1]}' written into ${path} makes yum/dnf install that repository's packages without checking their GPG signatures. Write gpgcheck=1 and import the repository's key instead.`,
      range,
      fixes: [fix],
    });
  }
  return findings;
}
