// CG-D108: insecure package sources and trust overrides that CG-D007–D013 do not cover.
//   Error:   apt `[trusted=yes]` (also `allow-insecure=yes`, deb822 `Trusted: yes`), apt's
//            `--allow-insecure-repositories` / `Acquire::AllowInsecureRepositories` /
//            `Acquire::https::Verify-Peer false`; a repository key downloaded over plain http:// and
//            given to `apt-key add`, `gpg --dearmor` or a keyring; `pip --index-url http://…` /
//            `--extra-index-url http://…` (and `PIP_INDEX_URL`); `npm config set registry http://…`
//            (and `--registry`, `NPM_CONFIG_REGISTRY`); `GOINSECURE`, `-insecure` in `GOFLAGS` or on
//            `go get`; `git config http.sslVerify false` / `git -c http.sslVerify=false`.
//   Warning: `apt-key add` of any key (trusted for every repository); `pip --extra-index-url https://…`
//            (dependency confusion); `GOSUMDB=off`, `GONOSUMCHECK`, `GONOSUMDB`/`GOPRIVATE` that match
//            every module (`*`); `CURL_CA_BUNDLE=""`, `REQUESTS_CA_BUNDLE=""`, `SSL_CERT_FILE=/dev/null`.
// Not reported: `deb http://`, `apk --repository http://`, yum `baseurl=http://` alone (the package
// manager verifies signed indexes or packages; turning that off is CG-D013's), URLs on localhost, and
// what D007–D013 already report (an http pip index used with `--trusted-host` is D009's one finding).
import type { TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel } from '../../engine/dockerfile/model';
import { commandsOf, programOf, type ShellCommand, type ShellWord } from '../../engine/dockerfile/shell';
import type { Fix, Range, Rule, RuleFinding, Severity } from '../../engine/types';
import {
  deleteAssignmentEdit, deleteCommandEdit, deletePairEdit, deleteWordsEdit, runInstructions, shellAssignments, toolCall, variablePairs,
  type ShellAssignment, type ToolCall, type VariablePair,
} from './commands';
import { copiedHeredocs, writtenLines, type WrittenText } from './file-writes';

/** A plain-HTTP URL to a host other than the local machine. */
function isRemoteHttp(url: string): boolean {
  const m = /^http:\/\/(?:[^/@\s]*@)?(\[[^\]]*\]|[^/:\s]+)/i.exec(url.trim());
  return m !== null && !/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(m[1]);
}

const TRUE_WORD = /^(yes|true|1|on|with|enable)$/i;
const FALSE_WORD = /^(no|false|0|off|without|disable)$/i;
/** apt source options that turn off its repository checks. */
const APT_TRUST_OPTIONS = /(?:^|\s)((trusted|allow-insecure|allow-weak|allow-downgrade-to-insecure)=([^\s\]]+))/g;
/** apt configuration that accepts unsigned repositories or any certificate. */
const APT_CONF = /(Acquire::(?:AllowInsecureRepositories|AllowDowngradeToInsecureRepositories|https::Verify-Peer|https::Verify-Host))[ \t]*(?:=|[ \t])[ \t]*"?([A-Za-z0-9]+)"?/gi;
const APT = new Set(['apt-get', 'apt']);
/** A source line (`deb`), a deb822 field (`Trusted`, `Allow-…`) or an apt.conf setting (`Acquire::`). */
const APT_WORDS = /deb|trusted|allow-|acquire::/i;

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D108',
    title: 'Insecure package source or trust override',
    description:
      'A package source or trust setting lets a network attacker or another index supply what the build installs: apt `[trusted=yes]` or an http-downloaded repository key, plain-http pip or npm registries, `GOINSECURE` / `GOSUMDB=off`, `git http.sslVerify false`, an emptied CA bundle.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: [],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    const trustedHostAnywhere = variablePairs(model).some((p) => p.name === 'PIP_TRUSTED_HOST') || shellAssignments(model).some((a) => a.name === 'PIP_TRUSTED_HOST');
    for (const { instruction } of runInstructions(model)) {
      const commands = commandsOf(model, instruction);
      for (const command of commands) {
        const call = toolCall(command);
        if (call) {
          findings.push(...aptOptions(model, call), ...aptKeyAdd(model, call), ...keyDownloads(model, command, commands));
          findings.push(...pipIndexes(model, call, trustedHostAnywhere), ...npmRegistry(model, call), ...goFlags(model, call), ...gitSslVerify(model, call));
        }
        // Source lines and apt.conf settings in any word (`echo`, `printf`, `add-apt-repository`, a `sed`
        // script) and in here-documents the command reads.
        // apt's own `-o Acquire::…` words are read as options (aptOptions), not again as apt.conf lines.
        const aptConf = !(call && APT.has(call.tool));
        for (const word of command.argv) findings.push(...aptSourceLines(model, { text: word.value, offsets: word.charOffsets, word }, aptConf));
        for (const heredoc of command.heredocs) findings.push(...aptSourceLines(model, { text: heredoc.content, offsets: heredoc.charOffsets, heredoc }));
      }
    }
    for (const copied of copiedHeredocs(model)) findings.push(...aptSourceLines(model, copied.content));
    for (const pair of variablePairs(model)) findings.push(...variableFindings(pair.name, pair.resolved, pair.nameRange, () => pairFix(model, pair), trustedHostAnywhere));
    for (const assignment of shellAssignments(model)) {
      if (assignment.word.dynamic) continue;
      const word = assignment.word;
      const nameRange = model.source.rangeOf(word.start, word.charOffsets[assignment.name.length]);
      findings.push(...variableFindings(assignment.name, assignment.value, nameRange, () => assignmentFix(model, assignment), trustedHostAnywhere));
    }
    return findings;
  },
};

// ---- apt ----------------------------------------------------------------------------------------

/** `[trusted=yes]` in a one-line source, `Trusted: yes` in a deb822 stanza, `Acquire::…` lines of apt.conf. */
function aptSourceLines(model: DockerfileModel, content: WrittenText, aptConf = true): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const text = content.text;
  // Each reading below needs one of these words; most words of a RUN have none (read on every keystroke).
  if (!APT_WORDS.test(text)) return findings;
  const deb822 = /^[ \t]*(Types|URIs)[ \t]*:/im.test(text);
  for (const [from, to] of writtenLines(text)) {
    const line = text.slice(from, to);
    const bracket = /\bdeb(?:-src)?[ \t]+\[([^\]\r\n]*)\]/.exec(line);
    if (bracket) {
      const optionsAt = from + bracket.index + bracket[0].indexOf('[') + 1;
      for (const m of bracket[1].matchAll(APT_TRUST_OPTIONS)) {
        if (!TRUE_WORD.test(m[3])) continue;
        const start = optionsAt + m.index! + m[0].indexOf(m[1]);
        findings.push(trustOptionFinding(model, content, start, start + m[1].length, m[1], optionRemoval(model, content, optionsAt, bracket[1], start, m[1])));
      }
    }
    const stanza = deb822 ? /^([ \t]*)(Trusted|Allow-Insecure|Allow-Weak)[ \t]*:[ \t]*(\S+)[ \t]*$/i.exec(line) : null;
    if (stanza && TRUE_WORD.test(stanza[3])) {
      const start = from + stanza[1].length;
      const valueAt = from + line.lastIndexOf(stanza[3]);
      const edit = textEdit(model, content, valueAt, valueAt + stanza[3].length, 'no');
      findings.push(trustOptionFinding(model, content, start, from + line.trimEnd().length, `${stanza[2]}: ${stanza[3]}`, edit && { title: `Write "${stanza[2]}: no"`, edits: [edit], isPreferred: false }));
    }
    for (const m of aptConf ? line.matchAll(APT_CONF) : []) {
      if (!aptConfInsecure(m[1], m[2])) continue;
      const start = from + m.index!;
      findings.push({
        message: `"${m[0].trim()}" makes apt ${m[1].toLowerCase().includes('verify') ? 'accept any TLS certificate' : 'accept unsigned repositories'}, so a network attacker can supply the packages the build installs. Remove it.`,
        range: range(model, content, start, start + m[0].length),
        fixes: [],
      });
    }
  }
  return findings;
}

function trustOptionFinding(model: DockerfileModel, content: WrittenText, start: number, end: number, written: string, fix: Fix | undefined): RuleFinding {
  return {
    message: `"${written}" makes apt install from this repository without checking its signature, so a tampered mirror or a network attacker can supply any package. Add the repository's key with "signed-by=" instead.`,
    range: range(model, content, start, end),
    fixes: fix ? [fix] : [],
  };
}

/** Removes one option from `[a=b trusted=yes]`, or the whole `[…] ` when it is the only one. */
function optionRemoval(model: DockerfileModel, content: WrittenText, optionsAt: number, options: string, start: number, option: string): Fix | undefined {
  const text = content.text;
  let from = start;
  let to = start + option.length;
  if (options.trim() === option) {
    from = optionsAt - 1;
    to = optionsAt + options.length + 1;
    while (to < text.length && (text[to] === ' ' || text[to] === '\t')) to++;
  } else {
    while (from > optionsAt && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
    if (from === optionsAt) while (to < text.length && (text[to] === ' ' || text[to] === '\t')) to++;
  }
  const edit = textEdit(model, content, from, to, '');
  return edit && { title: `Remove "${option}"`, edits: [edit], isPreferred: false };
}

function aptConfInsecure(name: string, value: string): boolean {
  return /verify/i.test(name) ? FALSE_WORD.test(value) : TRUE_WORD.test(value);
}

/** `apt-get --allow-insecure-repositories`, `-o Acquire::AllowInsecureRepositories=true`, `-o Acquire::https::Verify-Peer=false`. */
function aptOptions(model: DockerfileModel, call: ToolCall): RuleFinding[] {
  if (!APT.has(call.tool)) return [];
  const findings: RuleFinding[] = [];
  const args = call.args;
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word.value === '--') break;
    if (word.value === '--allow-insecure-repositories' || word.value === '--allow-downgrade-to-insecure-repositories') {
      findings.push({
        message: `${call.tool} '${word.value}' accepts repositories that are not signed, so a tampered mirror or a network attacker can supply any package. Remove it and add the repository's key with "signed-by=".`,
        range: word.range,
        fixes: [{ title: `Remove '${word.value}'`, edits: [deleteWordsEdit(model, call.command, word)], isPreferred: false }],
      });
      continue;
    }
    let value: ShellWord | undefined;
    if (word.value === '-o' || word.value === '--option') value = args[i + 1];
    else if (/^-o.+/.test(word.value)) value = word;
    if (!value) continue;
    const setting = /^(?:-o)?(Acquire::[A-Za-z:-]+)=(.*)$/.exec(value.value);
    if (!setting || !/^Acquire::(AllowInsecureRepositories|AllowDowngradeToInsecureRepositories|https::Verify-Peer|https::Verify-Host)$/i.test(setting[1])) continue;
    if (!aptConfInsecure(setting[1], setting[2])) continue;
    findings.push({
      message: `${call.tool} '-o ${setting[1]}=${setting[2]}' makes apt ${/verify/i.test(setting[1]) ? 'accept any TLS certificate' : 'accept unsigned repositories'}, so a network attacker can supply the packages the build installs. Remove it.`,
      range: value === word ? word.range : { start: word.range.start, end: value.range.end },
      fixes: [{ title: `Remove '-o ${setting[1]}=${setting[2]}'`, edits: [deleteWordsEdit(model, call.command, word, value)], isPreferred: false }],
    });
    if (value !== word) i++;
  }
  return findings;
}

/** `apt-key add`: the key is trusted for every repository (Warning); `apt-key adv --fetch-keys http://…` (Error). */
function aptKeyAdd(model: DockerfileModel, call: ToolCall): RuleFinding[] {
  if (call.tool !== 'apt-key') return [];
  const verb = call.args.find((word) => !word.value.startsWith('-'));
  if (verb?.value === 'adv') {
    const at = call.args.findIndex((word) => word.value === '--fetch-keys');
    const url = at >= 0 ? call.args[at + 1] : undefined;
    return url && isRemoteHttp(url.value) ? [httpKeyFinding(model, url)] : [];
  }
  if (verb?.value !== 'add') return [];
  return [{
    message: "apt-key add trusts this key for every repository, not only the one it signs (and apt-key is deprecated). Store it under /etc/apt/keyrings/ and name it with 'signed-by=' in that repository's source line.",
    range: { start: call.word.range.start, end: verb.range.end },
    severity: 'warning',
    fixes: [],
  }];
}

/** Where curl or wget writes a download: standard output (a pipe) or the file named. */
interface Download {
  url: ShellWord;
  /** `-o`/`-O`/`--output` file or `>` target; undefined for standard output. */
  file: string | undefined;
}

function download(command: ShellCommand): Download | undefined {
  const program = programOf(command);
  if (!program || (program.name !== 'curl' && program.name !== 'wget')) return undefined;
  const url = program.args.find((word) => /^https?:\/\//i.test(word.value));
  if (!url) return undefined;
  let file: string | undefined;
  const args = program.args;
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    const output = program.name === 'curl' ? ['-o', '--output'] : ['-O', '--output-document'];
    if (output.includes(value)) file = args[i + 1]?.value;
    else if (output.some((o) => o.startsWith('--') && value.startsWith(`${o}=`))) file = value.slice(value.indexOf('=') + 1);
    else if (program.name === 'wget' && /^-O./.test(value)) file = value.slice(2);
  }
  const redirect = command.redirects.find((r) => /^1?(>|>>|>\|)$/.test(r.op) && r.target);
  if (redirect) file = redirect.target!.value;
  return { url, file: file === '-' ? undefined : file };
}

/** A key path apt reads (`/etc/apt/trusted.gpg.d/`, `/etc/apt/keyrings/`, `/usr/share/keyrings/`). */
function isAptKeyPath(path: string): boolean {
  return /^(\/etc\/apt\/|\/usr\/share\/keyrings\/)/.test(path);
}

/** A command that turns what it reads into an apt key: `apt-key add`, `gpg --dearmor|--import`, `tee <apt key path>`. */
function installsKey(call: ToolCall | undefined, file?: string): boolean {
  if (!call) return false;
  const words = call.args.map((word) => word.value);
  const named = file === undefined || words.includes(file);
  if (call.tool === 'apt-key') return words.includes('add') && named;
  if (call.tool === 'gpg' || call.tool === 'gpg2') return (words.includes('--dearmor') || words.includes('--import') || words.includes('--dearmour')) && named;
  if (call.tool === 'tee') return file === undefined && words.some(isAptKeyPath);
  return false;
}

/** A repository key fetched over plain http:// and installed for apt (Error). */
function keyDownloads(model: DockerfileModel, command: ShellCommand, all: readonly ShellCommand[]): RuleFinding[] {
  const fetched = download(command);
  if (!fetched || !isRemoteHttp(fetched.url.value)) return [];
  let key = false;
  if (fetched.file === undefined && command.after === '|') {
    const next = all.find((other) => other.depth === command.depth && other.start === command.nextStart);
    key = installsKey(next && toolCall(next));
  } else if (fetched.file !== undefined) {
    const file = fetched.file;
    key = isAptKeyPath(file) || all.some((other) => other.start > command.start && installsKey(toolCall(other), file));
  }
  return key ? [httpKeyFinding(model, fetched.url)] : [];
}

function httpKeyFinding(model: DockerfileModel, url: ShellWord): RuleFinding {
  return {
    message: `The repository key is downloaded over plain HTTP (${url.value}): a network attacker can replace it with their own and then sign any package. Download it over https:// and check its fingerprint.`,
    range: url.range,
    fixes: httpsFix(model, url),
  };
}

/** Replaces `http://` with `https://` in a word (not preferred: the server must serve https). */
function httpsFix(model: DockerfileModel, word: ShellWord): Fix[] {
  const at = word.value.toLowerCase().indexOf('http://');
  if (at < 0) return [];
  const start = word.charOffsets[at];
  const end = word.charOffsets[at + 'http://'.length - 1] + 1;
  // Only where the characters are written as they are read (no quote or escape in between).
  if (end - start !== 'http://'.length) return [];
  return [{ title: 'Use https://', edits: [{ range: model.source.rangeOf(start, end), newText: 'https://' }], isPreferred: false }];
}

// ---- pip, npm, go, git ----------------------------------------------------------------------------

/** pip `--index-url http://…` (Error, unless `--trusted-host` makes it D009's), `--extra-index-url https://…` (Warning). */
function pipIndexes(model: DockerfileModel, call: ToolCall, trustedHostAnywhere: boolean): RuleFinding[] {
  if (call.tool !== 'pip') return [];
  const findings: RuleFinding[] = [];
  const trusted = trustedHostAnywhere || call.args.some((word) => word.value === '--trusted-host' || word.value.startsWith('--trusted-host='));
  const args = call.args;
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word.value === '--') break;
    const option = /^(--index-url|-i|--extra-index-url)(?:=(.*))?$/.exec(word.value) ?? (/^-i(.+)$/.exec(word.value) && ['', '-i', word.value.slice(2)]);
    if (!option) continue;
    const valueWord = option[2] === undefined ? args[i + 1] : word;
    if (!valueWord) continue;
    const url = option[2] ?? valueWord.value;
    const extra = option[1] === '--extra-index-url';
    if (isRemoteHttp(url)) {
      if (!trusted) {
        findings.push({
          message: `pip '${option[1]} ${url}' fetches packages over plain HTTP: a network attacker can replace them. Use an https:// index.`,
          range: valueWord.range,
          fixes: httpsFix(model, valueWord),
        });
      }
    } else if (extra && /^https:\/\//i.test(url)) {
      findings.push({
        message: `pip '--extra-index-url ${url}' searches this index and PyPI side by side and installs the higher version from either: anyone can publish a package of the same name on PyPI (dependency confusion). Serve both through one index (--index-url) or pin with --require-hashes.`,
        range: valueWord.range,
        severity: 'warning',
        fixes: [],
      });
    }
    if (valueWord !== word) i++;
  }
  return findings;
}

/** `npm|pnpm|yarn config set registry http://…`, `npm set registry …`, `--registry http://…`. */
function npmRegistry(model: DockerfileModel, call: ToolCall): RuleFinding[] {
  if (!['npm', 'pnpm', 'yarn'].includes(call.tool)) return [];
  const findings: RuleFinding[] = [];
  const args = call.args;
  const words = args.filter((word) => !word.value.startsWith('-'));
  const setAt = words[0]?.value === 'set' ? 0 : words[0]?.value === 'config' && words[1]?.value === 'set' ? 1 : -1;
  const candidates: ShellWord[] = [];
  if (setAt >= 0) {
    const key = words[setAt + 1];
    if (key && /^(registry|npmRegistryServer|@[^:=\s]+:registry)(=|$)/.test(key.value)) candidates.push(key.value.includes('=') ? key : words[setAt + 2]);
  }
  for (let i = 0; i < args.length; i++) {
    if (args[i].value === '--registry') candidates.push(args[i + 1]);
    else if (args[i].value.startsWith('--registry=')) candidates.push(args[i]);
  }
  for (const word of candidates) {
    if (!word) continue;
    const url = word.value.slice(word.value.indexOf('=') + 1);
    if (!isRemoteHttp(word.value.includes('=') ? url : word.value)) continue;
    findings.push({
      message: `${call.tool} uses the registry ${word.value.includes('=') ? url : word.value} over plain HTTP: a network attacker can replace the packages (and read the auth token). Use an https:// registry.`,
      range: word.range,
      fixes: httpsFix(model, word),
    });
  }
  return findings;
}

/** `go get -insecure`, and `go env -w NAME=value` (read like an ENV). */
function goFlags(model: DockerfileModel, call: ToolCall): RuleFinding[] {
  if (call.tool !== 'go') return [];
  const verb = call.args.find((word) => !word.value.startsWith('-'));
  const findings: RuleFinding[] = [];
  if (verb?.value === 'get' || verb?.value === 'install') {
    for (const word of call.args) {
      if (word.value !== '-insecure' && word.value !== '--insecure') continue;
      findings.push({
        message: `go ${verb.value} '${word.value}' fetches modules over plain HTTP and without checking the checksum database. Remove it.`,
        range: word.range,
        fixes: [{ title: `Remove '${word.value}'`, edits: [deleteWordsEdit(model, call.command, word)], isPreferred: false }],
      });
    }
  }
  if (verb?.value === 'env' && call.args.some((word) => word.value === '-w')) {
    for (const word of call.args) {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word.value);
      if (!m || word.dynamic) continue;
      const nameRange = model.source.rangeOf(word.start, word.charOffsets[m[1].length]);
      findings.push(...variableFindings(m[1], m[2], nameRange, () => [], false));
    }
  }
  return findings;
}

/** `git config [--global] http[.<url>].sslVerify false`, `git -c http.sslVerify=false …`. */
function gitSslVerify(model: DockerfileModel, call: ToolCall): RuleFinding[] {
  if (call.tool !== 'git') return [];
  const findings: RuleFinding[] = [];
  const args = call.args;
  const isKey = (key: string) => /^http\.(.+\.)?sslverify$/i.test(key);
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (value === '-c' && args[i + 1]) {
      const m = /^([^=]+)=(.*)$/.exec(args[i + 1].value);
      if (m && isKey(m[1]) && FALSE_WORD.test(m[2])) {
        findings.push(sslVerifyFinding({ start: args[i].range.start, end: args[i + 1].range.end }, `-c ${args[i + 1].value}`, [
          { title: `Remove '-c ${args[i + 1].value}'`, edits: [deleteWordsEdit(model, call.command, args[i], args[i + 1])], isPreferred: false },
        ]));
      }
      i++;
      continue;
    }
    if (value !== 'config') continue;
    const rest = args.slice(i + 1).filter((word) => !word.value.startsWith('-'));
    if (rest.length >= 2 && isKey(rest[0].value) && FALSE_WORD.test(rest[1].value)) {
      const edit = deleteCommandEdit(model, call.command);
      findings.push(sslVerifyFinding({ start: rest[0].range.start, end: rest[1].range.end }, `${rest[0].value} ${rest[1].value}`, edit ? [{ title: 'Remove this git config command', edits: [edit], isPreferred: false }] : []));
    }
    break;
  }
  return findings;
}

function sslVerifyFinding(where: Range, written: string, fixes: Fix[]): RuleFinding {
  return {
    message: `git '${written}' turns off TLS certificate verification: a network attacker can serve other code for the repositories the build fetches. Remove it and trust the right CA instead.`,
    range: where,
    fixes,
  };
}

// ---- variables (ARG, ENV, RUN assignments, go env -w) ----------------------------------------------

/** `fixes` is only called for a finding: most variables are fine, and building an edit is not free. */
function variableFindings(name: string, value: string | null, nameRange: Range, fixes: () => Fix[], trustedHostAnywhere: boolean): RuleFinding[] {
  if (value === null) return [];
  const finding = (message: string, severity?: Severity): RuleFinding[] => [{ message, range: nameRange, ...(severity ? { severity } : {}), fixes: fixes() }];
  const trimmed = value.trim();
  if (name === 'GOINSECURE' && trimmed !== '') {
    return finding(`GOINSECURE=${trimmed} lets go fetch those modules over plain HTTP and skip certificate checks. Remove it.`);
  }
  if (name === 'GOFLAGS' && /(^|\s)-?-insecure(\s|=|$)/.test(trimmed)) {
    return finding(`GOFLAGS=${trimmed} makes every go command fetch modules insecurely ('-insecure'). Remove the flag.`);
  }
  if (name === 'GOSUMDB' && trimmed.toLowerCase() === 'off') {
    return finding("GOSUMDB=off stops go from checking downloaded modules against the checksum database, so a tampered proxy or mirror goes unnoticed. Remove it; use GONOSUMDB for private module paths.", 'warning');
  }
  if (name === 'GONOSUMCHECK' && trimmed !== '') {
    return finding(`GONOSUMCHECK=${trimmed} turns off module checksum checks. Remove it; use GONOSUMDB for private module paths.`, 'warning');
  }
  if ((name === 'GONOSUMDB' || name === 'GOPRIVATE') && trimmed.split(',').some((pattern) => /^[*/]+$/.test(pattern.trim()) && pattern.includes('*'))) {
    return finding(`${name}=${trimmed} matches every module, so none is checked against the checksum database. List only your private module paths.`, 'warning');
  }
  if ((name === 'CURL_CA_BUNDLE' || name === 'REQUESTS_CA_BUNDLE' || name === 'SSL_CERT_FILE') && (trimmed === '' || trimmed === '/dev/null')) {
    return finding(`${name}=${trimmed === '' ? '""' : trimmed} leaves ${name === 'REQUESTS_CA_BUNDLE' ? 'Python requests' : name === 'CURL_CA_BUNDLE' ? 'curl' : 'OpenSSL clients'} without a working CA bundle, which tools answer by skipping certificate verification or failing. Remove it, or point it at a real CA bundle.`, 'warning');
  }
  if ((name === 'PIP_INDEX_URL' || name === 'PIP_EXTRA_INDEX_URL') && isRemoteHttp(trimmed) && !trustedHostAnywhere) {
    return finding(`${name}=${trimmed} makes pip fetch packages over plain HTTP: a network attacker can replace them. Use an https:// index.`);
  }
  if (name === 'PIP_EXTRA_INDEX_URL' && /^https:\/\//i.test(trimmed)) {
    return finding(`PIP_EXTRA_INDEX_URL=${trimmed} makes pip search this index and PyPI side by side (dependency confusion: anyone can publish the same name on PyPI). Serve both through one index or pin with hashes.`, 'warning');
  }
  if (name.toUpperCase() === 'NPM_CONFIG_REGISTRY' && isRemoteHttp(trimmed)) {
    return finding(`${name}=${trimmed} makes npm use a registry over plain HTTP: a network attacker can replace the packages. Use an https:// registry.`);
  }
  return [];
}

function pairFix(model: DockerfileModel, pair: VariablePair): Fix[] {
  return [{ title: pair.count <= 1 ? `Remove the ${pair.kind} instruction` : `Remove ${pair.name} from the ${pair.kind} instruction`, edits: [deletePairEdit(model, pair)], isPreferred: false }];
}

function assignmentFix(model: DockerfileModel, assignment: ShellAssignment): Fix[] {
  const edit = deleteAssignmentEdit(model, assignment);
  return edit ? [{ title: `Remove the ${assignment.name} assignment`, edits: [edit], isPreferred: false }] : [];
}

// ---- offsets of written text ------------------------------------------------------------------------

/** Whether characters [from, to) of a written text are contiguous in the document (no escapes or quotes between). */
function contiguous(content: WrittenText, from: number, to: number): boolean {
  return to > from && content.offsets[to - 1] - content.offsets[from] === to - from - 1;
}

function range(model: DockerfileModel, content: WrittenText, from: number, to: number): Range {
  return model.source.rangeOf(content.offsets[from], content.offsets[Math.max(from, to - 1)] + (to > from ? 1 : 0));
}

function textEdit(model: DockerfileModel, content: WrittenText, from: number, to: number, newText: string): TextEdit | undefined {
  if (!contiguous(content, from, to)) return undefined;
  return { range: range(model, content, from, to), newText };
}
