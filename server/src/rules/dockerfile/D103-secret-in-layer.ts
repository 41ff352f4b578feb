// CG-D103: a secret reaches a layer even though it looks cleaned up or passed safely.
//   (a) COPY/ADD of a credential file (D033's patterns) and a later `rm` of it: the file stays in the
//       COPY's layer, the rm only hides it (reported on the rm; D033 reports the COPY itself);
//   (b) a RUN writes a shell-expanded variable into a credential file (`echo "$TOKEN" > ~/.npmrc`,
//       `npm config set //registry/:_authToken $TOKEN`); `'${NPM_TOKEN}'` in single quotes is written
//       literally (npm expands it at install time) and is fine;
//   (c) a variable used as the credentials of a URL (`git clone https://$TOKEN@…`);
//   (d) (b) and (c) fire whenever the variable comes from an ARG or ENV (its value is in the image
//       history, config or provenance). Any other value — a `--mount=type=secret,env=` variable, a
//       secret file read with `$(cat /run/secrets/…)` — fires only where it stays in the layer: (b)
//       unless the same RUN deletes the file, (c) for commands that store the URL (`git clone` in
//       `.git/config`, `git remote add`, `… config set`) unless the same RUN removes or rewrites the
//       remote or deletes the clone.
import type { DockerfileModel, Instruction, VarDecl } from '../../engine/dockerfile/model';
import { isCredentialFile, pathBaseName } from '../../engine/credential-files';
import { shellExpansions, type ShellExpansion } from '../../engine/dockerfile/expansions';
import { commandsOf, type ShellCommand, type ShellWord } from '../../engine/dockerfile/shell';
import { isSecretName } from '../../engine/secrets';
import type { Range, RelatedInfo, Rule, RuleFinding } from '../../engine/types';
import { runInstructions, toolCall, type ToolCall } from './commands';
import { listItems, normalizePath } from './declarations';
import { fileWrite, writtenLines, type WrittenText } from './file-writes';
import { mountsSecret } from './secret-mount';

/** npm/yarn settings that hold a credential. */
const AUTH_SETTING = /(_authToken|_auth|_password|npmAuthToken|npmAuthIdent)\b/i;
/** Words that make a line of a credential file a credential line (`_authToken=`, `password`, `machine … password`). */
const CREDENTIAL_LINE = /(auth|token|passw|secret|credential|api[_-]?key)/i;
/** `scheme://userinfo@`: group 1 is the userinfo; command substitutions may contain `/`. */
const URL_USERINFO = /[A-Za-z][A-Za-z0-9+.-]*:\/\/((?:\$\([^)]*\)|\$\{[^}]*\}|[^\s/@'"])+)@/g;

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D103',
    title: 'Secret reaches a layer even if cleaned up',
    description:
      'A credential file copied in and deleted later, a secret variable written into `~/.npmrc` or another credential file, or a token used as the credentials of a URL: the secret stays in a layer, or (from an ARG or ENV) in the image history and provenance, whatever later steps do.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: [],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [...cleanedUpCopies(model)];
    for (const { instruction } of runInstructions(model)) {
      const commands = commandsOf(model, instruction);
      for (const command of commands) {
        findings.push(...credentialFileWrites(model, instruction, command, commands));
        findings.push(...urlCredentials(model, instruction, command, commands));
      }
    }
    return findings;
  },
};

// ---- (a) a copied credential file deleted later ------------------------------------------------

interface CopiedCredential {
  instruction: Instruction;
  source: { value: string; range: Range };
  /** Where the file lands (normalized; relative when the destination is). */
  target: string;
}

function cleanedUpCopies(model: DockerfileModel): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const stage of model.stages) {
    const chain = model.chainOf(stage);
    const copies: CopiedCredential[] = chain.filter((s) => s !== stage).flatMap((s) => credentialCopies(model, s.instructions));
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') copies.push(...credentialCopies(model, [instruction]));
      if (instruction.keyword !== 'RUN' || copies.length === 0) continue;
      for (const command of commandsOf(model, instruction)) {
        for (const operand of removedPaths(command)) {
          const copy = copies.find((c) => removes(operand.value, c.target));
          if (!copy) continue;
          findings.push({
            message: `This rm does not take ${copy.source.value} out of the image: the ${copy.instruction.keyword} on line ${copy.instruction.startLine + 1} put it into an earlier layer, which keeps it. Mount it as a build secret on the RUN that needs it (RUN --mount=type=secret,id=…,target=…) instead of copying it.`,
            range: operand.range,
            related: [{ range: copy.source.range, message: `The ${copy.instruction.keyword} that puts ${copy.source.value} into a layer.` }],
            fixes: [],
          });
        }
      }
    }
  }
  return findings;
}

/** The credential files the COPY/ADD instructions bring in from the build context. */
function credentialCopies(model: DockerfileModel, instructions: readonly Instruction[]): CopiedCredential[] {
  const copies: CopiedCredential[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
    const items = listItems(model, instruction);
    if (items.length < 2 || items.some((item) => item.value.startsWith('<<'))) continue;
    const destination = items[items.length - 1].value;
    const sources = items.slice(0, -1);
    for (const source of sources) {
      if (source.value.includes('$') || !isCredentialFile(source.value)) continue;
      // `COPY f .` copies into the WORKDIR: `.` is a folder too.
      const intoFolder = destination.endsWith('/') || sources.length > 1 || normalizePath(destination) === '';
      const target = normalizePath(intoFolder ? `${destination}/${pathBaseName(source.value)}` : destination);
      copies.push({ instruction, source, target });
    }
  }
  return copies;
}

/** The operands of an `rm` / `unlink` command. */
function removedPaths(command: ShellCommand): ShellWord[] {
  const call = toolCall(command);
  if (!call || (call.tool !== 'rm' && call.tool !== 'unlink')) return [];
  const operands: ShellWord[] = [];
  let options = true;
  for (const word of call.args) {
    if (options && word.value === '--') options = false;
    else if (options && word.value.startsWith('-')) continue;
    else if (!word.dynamic) operands.push(word);
  }
  return operands;
}

/** Whether removing `removed` deletes `target`: the same path, a folder above it, or the same relative path. */
function removes(removed: string, target: string): boolean {
  const r = normalizePath(removed);
  const t = target;
  if (r === '' || r === '/' || /[*?[]/.test(r)) return false;
  if (r === t) return true;
  if (r.startsWith('/') && t.startsWith(`${r}/`)) return true;
  // A relative path on either side is relative to a WORKDIR we do not follow: compare the ends.
  if (!r.startsWith('/')) return t.endsWith(`/${r}`);
  if (!t.startsWith('/')) return r.endsWith(`/${t}`);
  return false;
}

// ---- (b) a variable written into a credential file --------------------------------------------

/** Where a variable's value comes from, as (d) decides. */
type Origin = { kind: 'declared'; decl: VarDecl } | { kind: 'runtime' };

function originOf(model: DockerfileModel, run: Instruction, expansion: ShellExpansion): Origin {
  if (expansion.name === null || mountsSecret(run, expansion.name)) return { kind: 'runtime' };
  const decl = model.scopeAt(run).get(expansion.name);
  return decl && decl.kind !== 'builtin' ? { kind: 'declared', decl } : { kind: 'runtime' };
}

/** `$NAME` or `$(…)` as the message names it. */
function label(expansion: ShellExpansion): string {
  return expansion.name === null ? 'a command substitution' : `$${expansion.name}`;
}

function credentialFileWrites(model: DockerfileModel, run: Instruction, command: ShellCommand, all: readonly ShellCommand[]): RuleFinding[] {
  const written = npmAuthSetting(model, command) ?? echoedIntoCredentialFile(model, command, all);
  if (!written) return [];
  const { file, expansions } = written;
  // The same RUN deletes it: an `rm` of the same file name (`~/.npmrc` is `/root/.npmrc`) or of a folder above it.
  const deleted = all.some((other) => removedPaths(other).some((word) => pathBaseName(word.value) === pathBaseName(file) || removes(word.value, normalizePath(file))));
  for (const { expansion, range } of expansions) {
    const origin = originOf(model, run, expansion);
    if (origin.kind === 'declared') {
      return [declaredFinding(origin.decl, range, `RUN writes ${label(expansion)} into ${file}`, `Mount the file as a build secret instead (RUN --mount=type=secret,id=${secretIdOf(file)},target=${homePath(file)} …).`)];
    }
    if (!deleted) {
      return [{
        message: `RUN writes ${label(expansion)} into ${file}, and the file stays in this layer (the same RUN does not delete it): anyone with the image can read the credential. Mount the file as a build secret instead (RUN --mount=type=secret,id=${secretIdOf(file)},target=${homePath(file)} …), or delete it in the same RUN.`,
        range,
        fixes: [],
      }];
    }
  }
  return [];
}

interface WrittenCredential {
  file: string;
  /** The expansions that carry a credential, with their document ranges, in order. */
  expansions: { expansion: ShellExpansion; range: Range }[];
}

/** `npm|pnpm|yarn config set <auth setting> $TOKEN` (also `key=$TOKEN` in one word, and `npm set`). */
function npmAuthSetting(model: DockerfileModel, command: ShellCommand): WrittenCredential | undefined {
  const call = toolCall(command);
  if (!call || !['npm', 'pnpm', 'yarn'].includes(call.tool)) return undefined;
  const words = call.args.filter((word) => !word.value.startsWith('-'));
  const setAt = words[0]?.value === 'set' ? 0 : words[0]?.value === 'config' && words[1]?.value === 'set' ? 1 : -1;
  if (setAt < 0) return undefined;
  const key = words[setAt + 1];
  if (!key || !AUTH_SETTING.test(key.value)) return undefined;
  const valueWords = key.value.includes('=') ? [key] : words.slice(setAt + 2, setAt + 3);
  const expansions = valueWords.flatMap((word) => wordExpansions(model, word));
  if (expansions.length === 0) return undefined;
  return { file: call.tool === 'yarn' ? '~/.yarnrc.yml' : '~/.npmrc', expansions };
}

/** `echo "…$TOKEN…" > ~/.npmrc`, `printf`, `tee`, `cat <<EOF > ~/.netrc`: the credential expansions written. */
function echoedIntoCredentialFile(model: DockerfileModel, command: ShellCommand, all: readonly ShellCommand[]): WrittenCredential | undefined {
  const write = fileWrite(command, all);
  const file = write?.targets.find((target) => isCredentialFile(target));
  if (!write || !file) return undefined;
  const expansions: WrittenCredential['expansions'] = [];
  for (const content of write.contents) {
    for (const found of contentExpansions(model, content)) {
      if (carriesCredential(content, found.expansion, found.index)) expansions.push({ expansion: found.expansion, range: found.range });
    }
  }
  return expansions.length > 0 ? { file, expansions } : undefined;
}

/** The expansions of a written text, with their place in `content.text` and their document range. */
function contentExpansions(model: DockerfileModel, content: WrittenText): { expansion: ShellExpansion; index: number; range: Range }[] {
  if (content.word) {
    const raw = model.source.text.slice(content.word.start, content.word.end);
    // Offsets in the raw word map back to the value by position of `$`: search the value in order.
    let from = 0;
    return shellExpansions(raw).map((expansion) => {
      const index = Math.max(0, content.text.indexOf(raw.slice(expansion.start, expansion.end), from));
      from = index + 1;
      return { expansion, index, range: model.source.rangeOf(content.word!.start + expansion.start, content.word!.start + expansion.end) };
    });
  }
  // A here-document with a quoted delimiter (`<<'EOF'`) is written as is.
  if (content.heredoc?.quoted) return [];
  return shellExpansions(content.text, { quotes: false }).map((expansion) => ({
    expansion,
    index: expansion.start,
    range: model.source.rangeOf(content.offsets[expansion.start], content.offsets[expansion.end - 1] + 1),
  }));
}

/**
 * Whether an expansion written into a credential file is the credential: a secret-named variable, a
 * value on a credential line (`_authToken=`, `password`), the credentials of a URL, or the whole
 * content (`echo "$NPMRC" > ~/.npmrc`). A registry URL from `$REGISTRY` is not.
 */
function carriesCredential(content: WrittenText, expansion: ShellExpansion, index: number): boolean {
  if (expansion.name !== null && isSecretName(expansion.name)) return true;
  const [start, end] = writtenLines(content.text).find(([from, to]) => index >= from && index <= to) ?? [0, content.text.length];
  const line = content.text.slice(start, end);
  if (CREDENTIAL_LINE.test(line.replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ''))) return true;
  if (/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@]*\$[^\s/@]*@/.test(line)) return true;
  // The expansion is the whole content of its line.
  return line.trim() === content.text.slice(index, index + (expansion.end - expansion.start));
}

// ---- (c) a variable as the credentials of a URL -------------------------------------------------

function urlCredentials(model: DockerfileModel, run: Instruction, command: ShellCommand, all: readonly ShellCommand[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const stores = storesUrl(command);
  for (const word of command.argv) {
    if (!word.dynamic) continue;
    const raw = model.source.text.slice(word.start, word.end);
    for (const m of raw.matchAll(URL_USERINFO)) {
      const userStart = m.index! + m[0].length - m[1].length - 1;
      const userEnd = userStart + m[1].length;
      const inUserinfo = shellExpansions(raw).filter((e) => e.start >= userStart && e.end <= userEnd);
      // `user:password@`: the password is the credential (a user name in the history is no secret).
      const colon = passwordStart(raw, userStart, userEnd, inUserinfo);
      const expansions = inUserinfo.filter((e) => e.start >= colon);
      if (expansions.length === 0) continue;
      const range = model.source.rangeOf(word.start + userStart, word.start + userEnd);
      const declared = expansions.map((e) => ({ e, origin: originOf(model, run, e) })).find((x) => x.origin.kind === 'declared');
      if (declared && declared.origin.kind === 'declared') {
        findings.push(declaredFinding(declared.origin.decl, range, `The URL passes ${label(declared.e)} as its credentials`, stores === 'git clone' || stores === 'git remote' ? 'Use RUN --mount=type=ssh (SSH agent forwarding) or a build secret instead.' : `Pass it as a build secret instead (RUN --mount=type=secret,id=${declared.e.name!.toLowerCase()},env=${declared.e.name} …).`));
      } else if (stores && !cleansUp(stores, command, all)) {
        findings.push({
          message: `${storedWhere(stores)} keeps this URL, with ${expansions.map(label).join(' and ')} as its credentials, in the layer. ${stores === 'config' ? 'Pass the credential only to the command that needs it, and delete the configuration in the same RUN.' : 'Remove the credentials in the same RUN (git remote set-url origin <URL without them>), or use RUN --mount=type=ssh.'}`,
          range,
          fixes: [],
        });
      }
    }
  }
  return findings;
}

/** Where the password of a `user:password` userinfo starts (its start when there is no `:` outside expansions). */
function passwordStart(raw: string, start: number, end: number, expansions: readonly ShellExpansion[]): number {
  for (let i = start; i < end; i++) {
    const inside = expansions.find((e) => i >= e.start && i < e.end);
    if (inside) i = inside.end - 1;
    else if (raw[i] === ':') return i + 1;
  }
  return start;
}

/** Commands that store the URL they are given: a clone's `.git/config`, a remote, a tool's config file. */
type Storing = 'git clone' | 'git remote' | 'config';

function storesUrl(command: ShellCommand): Storing | undefined {
  const call = toolCall(command);
  if (!call) return undefined;
  const words = call.args.filter((word) => !word.value.startsWith('-')).map((word) => word.value);
  if (call.tool === 'git') {
    const verb = gitVerb(call);
    if (verb === 'clone') return 'git clone';
    if (verb === 'remote' && (words.includes('add') || words.includes('set-url'))) return 'git remote';
    if (verb === 'config') return 'config';
    return undefined;
  }
  if (['npm', 'pnpm', 'yarn', 'pip', 'pip3', 'composer'].includes(call.tool) && (words[0] === 'config' || words[0] === 'set')) return 'config';
  return undefined;
}

/** The git subcommand (after `-C dir`, `-c k=v`). */
function gitVerb(call: ToolCall): string | undefined {
  for (let i = 0; i < call.args.length; i++) {
    const value = call.args[i].value;
    if (value === '-C' || value === '-c' || value === '--git-dir' || value === '--work-tree') i++;
    else if (!value.startsWith('-')) return value;
  }
  return undefined;
}

function storedWhere(stores: Storing): string {
  if (stores === 'git clone') return "git clone stores the URL in the clone's .git/config, which";
  if (stores === 'git remote') return 'git remote writes the URL into .git/config, which';
  return 'The configuration file this command writes';
}

/** Whether the same RUN removes the stored URL again: the remote removed or rewritten, or the clone deleted. */
function cleansUp(stores: Storing, command: ShellCommand, all: readonly ShellCommand[]): boolean {
  const later = all.filter((other) => other.start > command.start);
  if (stores === 'config') return false;
  return later.some((other) => {
    const call = toolCall(other);
    if (!call) return false;
    if (call.tool === 'git') {
      const words = call.args.map((word) => word.value);
      return gitVerb(call) === 'remote' && words.some((w) => w === 'remove' || w === 'rm' || w === 'set-url');
    }
    return (call.tool === 'rm' && removedPaths(other).length > 0 && (stores === 'git clone' || removedPaths(other).some((w) => w.value.endsWith('.git'))));
  });
}

// ---- shared ---------------------------------------------------------------------------------------

/** A finding for a value that comes from an ARG or ENV: its value is in the history whatever the RUN does. */
function declaredFinding(decl: VarDecl, range: Range, what: string, advice: string): RuleFinding {
  const related: RelatedInfo[] = decl.nameRange ? [{ range: decl.nameRange, message: `${decl.name} is declared here; a build passes its value with --build-arg.` }] : [];
  return {
    message: `${what}. It comes from ${decl.kind} ${decl.name}, so its value is recorded in the image ${decl.kind === 'ENV' ? 'config' : 'history and provenance'}, whatever later steps do. ${advice}`,
    range,
    related,
    fixes: [],
  };
}

/** The expansions of one shell word, with their document ranges. */
function wordExpansions(model: DockerfileModel, word: ShellWord): { expansion: ShellExpansion; range: Range }[] {
  if (!word.dynamic) return [];
  const raw = model.source.text.slice(word.start, word.end);
  return shellExpansions(raw).map((expansion) => ({ expansion, range: model.source.rangeOf(word.start + expansion.start, word.start + expansion.end) }));
}

/** A secret id for a credential file (`~/.npmrc` → `npmrc`). */
function secretIdOf(file: string): string {
  return pathBaseName(file).replace(/^\.+/, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'credentials';
}

/** The file's path for a secret mount target (`~` is root's home during the build). */
function homePath(file: string): string {
  return file.replace(/^(~|\$HOME|\$\{HOME\})(?=\/)/, '/root');
}
