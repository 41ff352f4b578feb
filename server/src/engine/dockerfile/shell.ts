// The commands a RUN instruction executes, split the way a POSIX shell would split them:
// `&&`, `||`, `;`, `|`, `&` and newlines separate commands; quotes and escapes are removed from
// the words; `NAME=value` prefixes are assignments, not the command name; redirections and their
// targets are not arguments. Every word keeps its exact source range, so rules can point at (and
// fixes can delete) the one token they mean.
//
// Read as shell, recursively:
//   * the shell-form RUN body (Dockerfile line continuations and the comment lines inside them
//     removed, as BuildKit does), when the effective SHELL is a POSIX shell;
//   * the exec form `RUN ["apt-get", "install", …]` (its argv, no splitting);
//   * the script of `sh -c '…'` / `bash -c "…"` (also `["sh", "-c", "…"]`);
//   * here-document bodies whose interpreter is a POSIX shell: `RUN <<EOF` (no command: the body
//     is the script), `RUN bash <<EOF`, `RUN <<EOF sh` — unless a shebang names another program;
//   * command substitutions `$(…)` and `` `…` ``, and process substitutions `<(…)`.
// Other here-document bodies (`RUN python3 <<EOF`, `cat <<EOF > /etc/yum.repos.d/x.repo`) are
// kept as data on the command that reads them.
//
// Nothing is expanded: `$VAR` stays in the word's value; `dynamic` says a word contains one.
import type { Range } from 'vscode-languageserver-types';
import type { DerivedKey, DockerfileModel, Instruction } from './model';
import { endWithoutBlanks } from '../text';

/** One shell word after quote removal. */
export interface ShellWord {
  /** The word as the program receives it (quotes and escapes removed, `$VAR` left as written). */
  value: string;
  /** Range of the word as written, quotes included. */
  range: Range;
  /** Document offsets of the word as written: [start, end). */
  start: number;
  end: number;
  /**
   * Document offset of each character of `value` (`charOffsets[value.length]` is the offset
   * just past the last one), so a fix can remove one character of a flag cluster.
   */
  charOffsets: number[];
  /** Some part of the word was quoted or escaped. */
  quoted: boolean;
  /** The word contains a parameter expansion or command substitution (unquoted or in `"…"`). */
  dynamic: boolean;
}

export interface ShellRedirect {
  /** The operator with its file descriptor: `>`, `2>>`, `<<`, `<<-`, `&>`, `>&` … */
  op: string;
  /** The file (or delimiter, or descriptor) after the operator; null when missing. */
  target: ShellWord | null;
  range: Range;
}

/** A here-document read as data (not as a script) by the command it belongs to. */
export interface ShellHeredoc {
  delimiter: string;
  /** The body between the opening line and the delimiter line, without the final line break. */
  content: string;
  /** Document offset of each character of `content` (plus one past the end). */
  charOffsets: number[];
  /** Range of the body (empty at the body's start when the body is empty). */
  contentRange: Range;
  /** `<<-`: leading tabs are stripped. */
  stripTabs: boolean;
  /** The delimiter was quoted (`<<'EOF'`): no expansion inside. */
  quoted: boolean;
}

/** How two neighbouring commands are joined. */
export type ShellJoin = '&&' | '||' | ';' | '|' | '|&' | '&' | '\n' | '(' | ')';

export type ShellOrigin =
  /** The shell-form RUN body. */
  | 'shell'
  /** The exec-form argv. */
  | 'exec'
  /** A here-document body run by a shell. */
  | 'heredoc'
  /** The script argument of `sh -c`. */
  | 'sh-c'
  /** `$(…)`, `` `…` `` or `<(…)`. */
  | 'substitution';

export interface ShellCommand {
  instruction: Instruction;
  /** `NAME=value` words before the command name. */
  assignments: ShellWord[];
  /** The command name and its arguments (redirections excluded). Empty for a bare assignment. */
  argv: ShellWord[];
  redirects: ShellRedirect[];
  /** Here-documents this command reads as data. */
  heredocs: ShellHeredoc[];
  /** How this command is joined to the previous one in the same script (null: first). */
  before: ShellJoin | null;
  /** How it is joined to the next one (null: last). */
  after: ShellJoin | null;
  /** Document offsets [start, end) of the command (assignments, words and redirections). */
  start: number;
  end: number;
  range: Range;
  /** End offset of the previous command of the same script, start of the next (null at the ends). */
  previousEnd: number | null;
  nextStart: number | null;
  origin: ShellOrigin;
  /** 0 for the RUN's own commands, +1 per nesting (`sh -c`, heredoc script, substitution). */
  depth: number;
  /** The whole script this command belongs to is in exec form (no shell reads it). */
  execForm: boolean;
  /** What programOf answers (null: no program), kept on first call: a dozen rules ask for every command. */
  program?: Program | null;
}

/** The program a command runs after wrappers (`sudo`, `env`, `xargs` …) are skipped. */
export interface Program {
  /** Base name of the program word as written (`/usr/bin/pip3` → `pip3`). */
  name: string;
  /** Index of the program word in `command.argv`. */
  index: number;
  /** The words after the program word. */
  args: ShellWord[];
}

const POSIX_SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox-sh']);
/** Shells whose here-document and `-c` scripts we read (the catalogue's sh, bash, ash, plus dash). */
const SCRIPT_SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);
const RESERVED_PREFIX = new Set(['!', '{', 'then', 'do', 'else', 'elif', 'if', 'while', 'until']);
const RESERVED_ALONE = new Set(['}', 'fi', 'done', 'esac']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;
const MAX_DEPTH = 8;

/** Base name of a path (`/usr/bin/curl` → `curl`). */
export function baseName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Whether a program name (or path) is a POSIX shell. */
export function isPosixShell(word: string): boolean {
  return POSIX_SHELLS.has(baseName(word));
}

/**
 * The program a command runs: `sudo -u x apt-get …`, `env -i A=b apt-get …`, `xargs -r apt-get …`,
 * `exec`, `command`, `nohup`, `time`, `nice -n 5` are skipped. Undefined for a bare assignment.
 */
export function programOf(command: ShellCommand): Program | undefined {
  if (command.program === undefined) command.program = findProgram(command) ?? null;
  return command.program ?? undefined;
}

function findProgram(command: ShellCommand): Program | undefined {
  const argv = command.argv;
  let i = 0;
  while (i < argv.length) {
    const name = baseName(argv[i].value);
    const wrapper = WRAPPERS[name];
    if (!wrapper) break;
    i++;
    while (i < argv.length) {
      const word = argv[i].value;
      if (word === '--') {
        i++;
        break;
      }
      if (name === 'env' && ASSIGNMENT.test(word)) {
        i++;
        continue;
      }
      if (!word.startsWith('-') || word === '-') break;
      i += wrapper.withValue.has(word) ? 2 : 1;
    }
  }
  if (i >= argv.length) return undefined;
  return { name: baseName(argv[i].value), index: i, args: argv.slice(i + 1) };
}

const WRAPPERS: Record<string, { withValue: Set<string> }> = {
  sudo: { withValue: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T']) },
  env: { withValue: new Set(['-u', '-C', '-S', '--unset', '--chdir']) },
  xargs: { withValue: new Set(['-I', '-i', '-n', '-L', '-l', '-P', '-s', '-d', '-E', '-e', '-a', '--max-args', '--max-procs', '--delimiter', '--arg-file']) },
  exec: { withValue: new Set(['-a']) },
  command: { withValue: new Set() },
  nohup: { withValue: new Set() },
  time: { withValue: new Set(['-f', '-o']) },
  nice: { withValue: new Set(['-n']) },
  stdbuf: { withValue: new Set(['-i', '-o', '-e']) },
  chroot: { withValue: new Set() },
};

/** The SHELL a RUN instruction runs under: the last SHELL before it in its stage, else inherited. */
export function shellAt(model: DockerfileModel, instruction: Instruction): string[] {
  if (instruction.inOnbuild) return ['/bin/sh', '-c'];
  const stage = model.stages[instruction.stageIndex];
  if (!stage) return ['/bin/sh', '-c'];
  const index = stage.instructions.indexOf(instruction);
  for (let i = (index < 0 ? stage.instructions.length : index) - 1; i >= 0; i--) {
    const candidate = stage.instructions[i];
    if (candidate.keyword === 'SHELL' && candidate.execForm && candidate.execForm.length > 0) return candidate.execForm;
  }
  return stage.parent ? model.effectiveShell(stage.parent) : ['/bin/sh', '-c'];
}

/** Each RUN's commands, and the same by `reuseKey` (with where the RUN started) for the next version of the file. */
const COMMANDS: DerivedKey<{ byInstruction: Map<Instruction, ShellCommand[]>; byText: Map<string, ReadRun> }> = { name: 'commands of each RUN' };

interface ReadRun {
  /** Document offset of the RUN when it was read. */
  offset: number;
  commands: ShellCommand[];
}

/**
 * Every command a RUN instruction runs (its own, then the nested ones of each), in document
 * order of their start. Empty for other instructions, and for a shell-form RUN whose SHELL is not
 * a POSIX shell (PowerShell, cmd). Never throws.
 */
export function commandsOf(model: DockerfileModel, instruction: Instruction): ShellCommand[] {
  const store = model.derived.get(COMMANDS, () => ({ byInstruction: new Map(), byText: new Map() }));
  let commands = store.byInstruction.get(instruction);
  if (commands) return commands;
  const key = reuseKey(model, instruction);
  const offset = model.source.offsetAt(instruction.range.start);
  const earlier = key === undefined ? undefined : model.derived.earlier(COMMANDS)?.byText.get(key);
  // The previous version read the same text at the same line and column: its commands, moved to where
  // the RUN starts now (text typed on an earlier line) and given to this version's instruction.
  commands = earlier ? movedBy(earlier.commands, offset - earlier.offset, instruction) : readRunSorted(model, instruction);
  store.byInstruction.set(instruction, commands);
  if (key !== undefined) store.byText.set(key, { offset, commands });
  return commands;
}

/**
 * What reading a RUN depends on: its exact text and the line and column it starts at (the offsets of
 * its words follow from where it starts), the escape character and the shell it runs under.
 */
function reuseKey(model: DockerfileModel, instruction: Instruction): string | undefined {
  if (instruction.keyword !== 'RUN' || !instruction.argsRange) return undefined;
  const { start, end } = instruction.range;
  const text = model.source.text.slice(model.source.offsetAt(start), model.source.offsetAt(end));
  return `${start.line} ${start.character} ${model.escapeChar} ${shellAt(model, instruction).join('\0')}\n${text}`;
}

/** `commands` with every document offset moved by `delta` (their ranges stay), for `instruction`. */
function movedBy(commands: ShellCommand[], delta: number, instruction: Instruction): ShellCommand[] {
  if (delta === 0) return commands.map((command) => ({ ...command, instruction }));
  const moved = new Map<ShellWord, ShellWord>();
  const word = (w: ShellWord): ShellWord => {
    let m = moved.get(w);
    if (!m) moved.set(w, (m = { ...w, start: w.start + delta, end: w.end + delta, charOffsets: w.charOffsets.map((o) => o + delta) }));
    return m;
  };
  const at = (offset: number | null) => (offset === null ? null : offset + delta);
  return commands.map((command) => ({
    ...command,
    instruction,
    assignments: command.assignments.map(word),
    argv: command.argv.map(word),
    redirects: command.redirects.map((redirect) => ({ ...redirect, target: redirect.target && word(redirect.target) })),
    heredocs: command.heredocs.map((heredoc) => ({ ...heredoc, charOffsets: heredoc.charOffsets.map((o) => o + delta) })),
    start: command.start + delta,
    end: command.end + delta,
    previousEnd: at(command.previousEnd),
    nextStart: at(command.nextStart),
    // Its words were moved: programOf finds them again.
    program: undefined,
  }));
}

function readRunSorted(model: DockerfileModel, instruction: Instruction): ShellCommand[] {
  let commands: ShellCommand[] = [];
  try {
    commands = readRun(model, instruction);
  } catch {
    commands = [];
  }
  return commands.sort((a, b) => a.start - b.start || a.depth - b.depth);
}

/** Every command of every RUN in the file, ONBUILD triggers included, with its instruction. */
export function allRunCommands(model: DockerfileModel): ShellCommand[] {
  const result: ShellCommand[] = [];
  for (const instruction of model.instructions) {
    const run = instruction.keyword === 'RUN' ? instruction : instruction.trigger?.keyword === 'RUN' ? instruction.trigger : null;
    if (run) result.push(...commandsOf(model, run));
  }
  return result;
}

/**
 * Offsets [start, end) that delete one command together with one joining `&&`, `;` or newline,
 * leaving the rest of the script working. Null when the command is alone in its script, or when
 * it is part of a pipeline or an `||` chain (deleting it would change what the others do).
 */
export function segmentDeletion(command: ShellCommand): { start: number; end: number } | null {
  const removable = (join: ShellJoin | null) => join === null || join === '&&' || join === ';' || join === '\n';
  if (!removable(command.before) || !removable(command.after)) return null;
  if (command.after !== null && command.nextStart !== null) return { start: command.start, end: command.nextStart };
  if (command.before !== null && command.previousEnd !== null) return { start: command.previousEnd, end: command.end };
  return null;
}

/** The `sh -c` script word of a shell command (`sh -ec 'x'`, `bash -o pipefail -c "x"`), if any. */
export function shellScriptWord(argv: ShellWord[], programIndex: number): ShellWord | undefined {
  for (let i = programIndex + 1; i < argv.length; i++) {
    const word = argv[i].value;
    if (word === '--') return undefined;
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(word)) {
      for (let j = i + 1; j < argv.length; j++) {
        const next = argv[j].value;
        if (next === '--') continue;
        if (/^[-+][A-Za-z]+$/.test(next)) continue;
        return argv[j];
      }
      return undefined;
    }
    if (word === '-o' || word === '+o' || word === '-O' || word === '+O') {
      i++;
      continue;
    }
    if (!/^[-+]/.test(word)) return undefined; // a script file: no -c
  }
  return undefined;
}

// ---- reading a RUN ------------------------------------------------------------------------------

/** Text with the document offset of each character (`map.length === text.length + 1`). */
interface Segment {
  text: string;
  map: number[];
}

interface Reader {
  model: DockerfileModel;
  instruction: Instruction;
  commands: ShellCommand[];
  execForm: boolean;
}

function readRun(model: DockerfileModel, instruction: Instruction): ShellCommand[] {
  if (instruction.keyword !== 'RUN' || !instruction.argsRange) return [];
  const reader: Reader = { model, instruction, commands: [], execForm: false };
  const base = model.source.offsetAt(instruction.argsRange.start);
  if (instruction.execForm) {
    const words = readExecArray(instruction.rawArgs, base, model);
    if (!words || words.length === 0) return [];
    reader.execForm = true;
    const command = newCommand(reader, 'exec', 0, null);
    command.argv = words;
    finish(reader, command, model);
    link([command]);
    reader.commands.push(command);
    nestShell(reader, command, 0);
    return reader.commands;
  }
  const shell = shellAt(model, instruction);
  if (!isPosixShell(shell[0] ?? '')) return [];
  const segment = logicalBody(instruction.rawArgs, base, model.escapeChar, instruction.heredocs.length > 0);
  parseScript(reader, segment, 'shell', 0, SCRIPT_SHELLS.has(baseName(shell[0])));
  return reader.commands;
}

/**
 * The RUN body with Dockerfile line continuations (and the blank or comment lines inside them)
 * removed. With here-documents only the first logical line is joined; the bodies stay as written.
 */
function logicalBody(raw: string, base: number, escapeChar: string, hasHeredocs: boolean): Segment {
  let text = '';
  const map: number[] = [];
  /** Keeps raw[from, to) (one slice, not a string per character). */
  const keep = (from: number, to: number) => {
    if (to <= from) return;
    text += raw.slice(from, to);
    for (let k = from; k < to; k++) map.push(base + k);
  };
  let i = 0;
  let continuing = false;
  while (i < raw.length) {
    let lineEnd = i;
    while (lineEnd < raw.length && raw[lineEnd] !== '\n' && raw[lineEnd] !== '\r') lineEnd++;
    let breakEnd = lineEnd;
    if (raw[breakEnd] === '\r') breakEnd++;
    if (raw[breakEnd] === '\n' && breakEnd < raw.length && (breakEnd === lineEnd || raw[lineEnd] === '\r')) breakEnd++;
    if (breakEnd === lineEnd && lineEnd < raw.length) breakEnd++;
    const line = raw.slice(i, lineEnd);
    const isLast = breakEnd >= raw.length;
    if (continuing && !isLast && (/^[ \t]*#/.test(line) || line.trim() === '')) {
      i = breakEnd;
      continue;
    }
    const body = line.slice(0, endWithoutBlanks(line));
    if (body.endsWith(escapeChar) && !body.endsWith(escapeChar + escapeChar) && lineEnd < raw.length) {
      keep(i, i + body.length - 1);
      continuing = true;
      i = breakEnd;
      continue;
    }
    keep(i, breakEnd);
    continuing = false;
    i = breakEnd;
    if (hasHeredocs) {
      keep(i, raw.length);
      i = raw.length;
    }
  }
  map.push(base + raw.length);
  return { text, map };
}

function newCommand(reader: Reader, origin: ShellOrigin, depth: number, before: ShellJoin | null): ShellCommand {
  return {
    instruction: reader.instruction,
    assignments: [],
    argv: [],
    redirects: [],
    heredocs: [],
    before,
    after: null,
    start: -1,
    end: -1,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    previousEnd: null,
    nextStart: null,
    origin,
    depth,
    execForm: reader.execForm,
  };
}

function finish(reader: Reader, command: ShellCommand, model: DockerfileModel): void {
  let start = Number.POSITIVE_INFINITY;
  let end = -1;
  const extend = (s: number, e: number) => {
    start = Math.min(start, s);
    end = Math.max(end, e);
  };
  for (const w of command.assignments) extend(w.start, w.end);
  for (const w of command.argv) extend(w.start, w.end);
  for (const r of command.redirects) {
    extend(model.source.offsetAt(r.range.start), model.source.offsetAt(r.range.end));
  }
  command.start = start;
  command.end = end;
  command.range = model.source.rangeOf(start, end);
}

/** Fills previousEnd/nextStart and the joins of a script's commands. */
function link(commands: ShellCommand[]): void {
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i];
    if (i > 0) {
      c.previousEnd = commands[i - 1].end;
      commands[i - 1].after = c.before;
      commands[i - 1].nextStart = c.start;
    } else {
      c.before = null;
    }
  }
  if (commands.length > 0) commands[commands.length - 1].after = null;
}

function isEmpty(command: ShellCommand): boolean {
  return command.argv.length === 0 && command.assignments.length === 0 && command.redirects.length === 0;
}

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  quoted: boolean;
  owner: ShellCommand;
}

/**
 * Parses a script into commands (pushed to `reader.commands`, nested ones included).
 * `bareHeredocIsScript`: a here-document with no command (`RUN <<EOF`) is run by a POSIX shell.
 */
function parseScript(reader: Reader, segment: Segment, origin: ShellOrigin, depth: number, bareHeredocIsScript: boolean): void {
  const { model } = reader;
  const { text, map } = segment;
  const script: ShellCommand[] = [];
  const nested: Array<() => void> = [];
  let current = newCommand(reader, origin, depth, null);
  let pending: PendingHeredoc[] = [];

  const endCommand = (join: ShellJoin) => {
    if (!isEmpty(current)) {
      finish(reader, current, model);
      script.push(current);
      current = newCommand(reader, origin, depth, join);
    } else if (script.length > 0 && (current.before === null || current.before === '\n')) {
      // `a &&⏎ b`: the operator, not the line break, joins the next command.
      current.before = join;
    }
  };

  // `case WORD in PATTERN [| PATTERN]) BODY ;; … esac`: one entry per open case clause. The header
  // `case WORD in` is a command (so substitutions in WORD are still read); the patterns are neither
  // commands nor pipes (`amd64 | arm64)`); the body is commands. The first command of an arm, and
  // the one after `esac`, are joined by ')' so no edit treats them as a plain `&&`/`;` segment.
  const cases: Array<'subject' | 'pattern' | 'body'> = [];
  const startPatterns = () => {
    endCommand(')');
    cases[cases.length - 1] = 'pattern';
  };
  const closeCase = () => {
    cases.pop();
    current.before = ')';
  };
  /** Skips one piece of a case pattern (a word, `(`, `|`), or its closing `)`, or reads `esac`. */
  const skipCasePattern = (at: number): number => {
    const ch = text[at];
    if (ch === '(' || ch === '|') return at + 1;
    if (ch === ')') {
      cases[cases.length - 1] = 'body';
      current.before = ')';
      return at + 1;
    }
    const read = readWord(segment, at, model);
    if (read.word.value === 'esac' && !read.word.quoted) closeCase();
    return read.next;
  };

  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      continue;
    }
    if (c === '\n' || c === '\r') {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      endCommand('\n');
      if (pending.length > 0) {
        i = readHeredocBodies(reader, segment, i, pending, depth, bareHeredocIsScript, nested);
        pending = [];
      }
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    const clause = cases[cases.length - 1];
    if (clause === 'pattern') {
      i = skipCasePattern(i);
      continue;
    }
    if (clause === 'body' && c === ';' && (text[i + 1] === ';' || text[i + 1] === '&')) {
      // `;;`, `;&`, `;;&` end a case arm; the next pattern follows.
      endCommand(';');
      i += text[i + 1] === '&' ? 2 : text[i + 2] === '&' ? 3 : 2;
      cases[cases.length - 1] = 'pattern';
      continue;
    }
    const op = operatorAt(text, i);
    if (op) {
      endCommand(op);
      i += op === '\n' ? 1 : op.length;
      continue;
    }
    const redirect = redirectAt(text, i);
    if (redirect) {
      const opStart = i;
      i += redirect.length;
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      let target: ShellWord | null = null;
      if (i < n && !isBreak(text, i)) {
        const read = readWord(segment, i, model);
        target = read.word;
        i = read.next;
        if (!redirect.endsWith('<<') && !redirect.endsWith('<<-')) {
          for (const sub of read.substitutions) nested.push(() => parseScript(reader, sub, 'substitution', depth + 1, false));
        }
      }
      const endOffset = target ? target.end : map[i];
      current.redirects.push({ op: redirect, target, range: model.source.rangeOf(map[opStart], endOffset) });
      if ((redirect.endsWith('<<') || redirect.endsWith('<<-')) && target) {
        pending.push({ delimiter: target.value, stripTabs: redirect.endsWith('-'), quoted: target.quoted, owner: current });
      }
      continue;
    }
    const read = readWord(segment, i, model);
    i = read.next;
    const word = read.word;
    for (const sub of read.substitutions) nested.push(() => parseScript(reader, sub, 'substitution', depth + 1, false));
    if (cases.length > 0 && !word.quoted && current.argv.length === 0 && current.assignments.length === 0) {
      if (word.value === 'esac') {
        closeCase();
        continue;
      }
      if (word.value === 'in' && cases[cases.length - 1] === 'subject') {
        // `case $x⏎in`: the header went on over a line break.
        startPatterns();
        continue;
      }
    }
    if (!word.quoted && word.value === 'in' && cases[cases.length - 1] === 'subject') {
      current.argv.push(word);
      startPatterns();
      continue;
    }
    if (current.argv.length === 0) {
      if (!word.quoted && word.value === 'case' && current.assignments.length === 0 && current.redirects.length === 0) {
        cases.push('subject');
      }
      if (ASSIGNMENT.test(word.value)) {
        current.assignments.push(word);
        continue;
      }
      if (!word.quoted && current.assignments.length === 0 && current.redirects.length === 0) {
        if (RESERVED_PREFIX.has(word.value)) continue;
        if (RESERVED_ALONE.has(word.value)) continue;
      }
    }
    current.argv.push(word);
  }
  endCommand('\n');
  link(script);
  reader.commands.push(...script);
  if (depth >= MAX_DEPTH) return;
  for (const command of script) nestShell(reader, command, depth);
  for (const run of nested) run();
}

/** `sh -c '<script>'`: parse the script argument too. */
function nestShell(reader: Reader, command: ShellCommand, depth: number): void {
  if (depth >= MAX_DEPTH) return;
  const program = programOf(command);
  if (!program || !SCRIPT_SHELLS.has(program.name)) return;
  const script = shellScriptWord(command.argv, program.index);
  if (!script) return;
  parseScript(reader, wordSegment(script), 'sh-c', depth + 1, false);
}

/** A word's value as a script, its end just past its last character (not past a closing quote). */
function wordSegment(word: ShellWord): Segment {
  const length = word.value.length;
  const map = word.charOffsets.slice(0, length);
  map.push(length > 0 ? word.charOffsets[length - 1] + 1 : word.charOffsets[0]);
  return { text: word.value, map };
}

/** Reads the here-document bodies that start at `i`; returns the offset after the last delimiter line. */
function readHeredocBodies(
  reader: Reader,
  segment: Segment,
  i: number,
  pending: PendingHeredoc[],
  depth: number,
  bareHeredocIsScript: boolean,
  nested: Array<() => void>,
): number {
  const { text, map } = segment;
  for (const heredoc of pending) {
    const bodyStart = i;
    let bodyEnd = i;
    let found = false;
    while (i < text.length) {
      let lineEnd = i;
      while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
      let next = lineEnd;
      if (text[next] === '\r') next++;
      if (text[next] === '\n') next++;
      const line = text.slice(i, lineEnd);
      const compared = heredoc.stripTabs ? line.replace(/^\t+/, '') : line;
      if (compared === heredoc.delimiter) {
        bodyEnd = i;
        i = next;
        found = true;
        break;
      }
      i = next;
    }
    if (!found) bodyEnd = text.length;
    // The body without its final line break.
    let contentEnd = bodyEnd;
    if (contentEnd > bodyStart && text[contentEnd - 1] === '\n') contentEnd--;
    if (contentEnd > bodyStart && text[contentEnd - 1] === '\r') contentEnd--;
    const content = text.slice(bodyStart, contentEnd);
    const charOffsets = map.slice(bodyStart, contentEnd + 1);
    const owner = heredoc.owner;
    if (heredocIsScript(owner, content, bareHeredocIsScript)) {
      nested.push(() => parseScript(reader, { text: content, map: charOffsets }, 'heredoc', depth + 1, false));
    } else {
      owner.heredocs.push({
        delimiter: heredoc.delimiter,
        content,
        charOffsets,
        contentRange: reader.model.source.rangeOf(map[bodyStart], map[contentEnd]),
        stripTabs: heredoc.stripTabs,
        quoted: heredoc.quoted,
      });
    }
  }
  return i;
}

/** Whether a here-document is a script run by a POSIX shell rather than data for its command. */
function heredocIsScript(owner: ShellCommand, content: string, bareHeredocIsScript: boolean): boolean {
  const shebang = /^#![ \t]*(\S+)(?:[ \t]+(\S+))?/.exec(content);
  if (shebang) {
    const interpreter = baseName(shebang[1]) === 'env' && shebang[2] ? shebang[2] : baseName(shebang[1]);
    if (!SCRIPT_SHELLS.has(interpreter)) return false;
  }
  const program = programOf(owner);
  if (!program) return owner.argv.length === 0 && owner.origin === 'shell' && bareHeredocIsScript;
  if (!SCRIPT_SHELLS.has(program.name)) return false;
  // `bash -s`, `sh -e`: options only, so the shell reads its script from standard input.
  return program.args.every((w) => /^[-+]/.test(w.value));
}

function isBreak(text: string, i: number): boolean {
  const c = text[i];
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || operatorAt(text, i) !== null;
}

function operatorAt(text: string, i: number): ShellJoin | null {
  const c = text[i];
  const next = text[i + 1];
  if (c === '&') {
    if (next === '&') return '&&';
    if (next === '>') return null; // `&>` redirection
    return '&';
  }
  if (c === '|') {
    if (next === '|') return '||';
    if (next === '&') return '|&';
    return '|';
  }
  if (c === ';') return ';';
  if (c === '(') return '(';
  if (c === ')') return ')';
  return null;
}

const REDIRECT = /^(\d*)(<<<|<<-|<<|>>|>&|<&|>\||<>|<|>)|^(&>>|&>)/;

function redirectAt(text: string, i: number): string | null {
  const c = text[i];
  if (c !== '<' && c !== '>' && c !== '&' && !(c >= '0' && c <= '9')) return null;
  if ((c === '<' || c === '>') && text[i + 1] === '(') return null; // process substitution
  const m = REDIRECT.exec(text.slice(i, i + 8));
  return m ? m[0] : null;
}

/** Reads one word starting at `i`; returns it, where reading stopped, and nested scripts. */
function readWord(segment: Segment, i: number, model: DockerfileModel): { word: ShellWord; next: number; substitutions: Segment[] } {
  const { text, map } = segment;
  let value = '';
  const offsets: number[] = [];
  let quoted = false;
  let dynamic = false;
  const substitutions: Segment[] = [];
  const start = i;
  const push = (ch: string, at: number) => {
    value += ch;
    offsets.push(map[at]);
  };
  /** Copies text[from, to) verbatim (one slice, not a string per character). */
  const copy = (from: number, to: number) => {
    if (to <= from) return;
    value += text.slice(from, to);
    for (let k = from; k < to; k++) offsets.push(map[k]);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') break;
    if (operatorAt(text, i) !== null && !(c === '(' && i > start && (text[i - 1] === '<' || text[i - 1] === '>'))) {
      break;
    }
    if ((c === '<' || c === '>') && text[i + 1] !== '(' ) break;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n' || next === '\r') {
        i += next === '\r' && text[i + 2] === '\n' ? 3 : 2;
        continue;
      }
      if (next === undefined) {
        i++;
        continue;
      }
      quoted = true;
      push(next, i + 1);
      i += 2;
      continue;
    }
    if (c === "'") {
      quoted = true;
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close;
      copy(i + 1, end);
      i = end < text.length ? end + 1 : end; // past the closing quote (absent when unterminated)
      continue;
    }
    if (c === '$' && text[i + 1] === "'") {
      quoted = true;
      i += 2;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) {
          const e = text[i + 1];
          const decoded = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          push(decoded, i + 1);
          i += 2;
          continue;
        }
        push(text[i], i);
        i++;
      }
      if (i < text.length) i++;
      continue;
    }
    if (c === '"') {
      quoted = true;
      i++;
      while (i < text.length && text[i] !== '"') {
        const d = text[i];
        if (d === '\\') {
          const e = text[i + 1];
          if (e === '\n' || e === '\r') {
            i += e === '\r' && text[i + 2] === '\n' ? 3 : 2;
            continue;
          }
          if (e === '$' || e === '`' || e === '"' || e === '\\') {
            push(e, i + 1);
            i += 2;
            continue;
          }
          push(d, i);
          i++;
          continue;
        }
        if (d === '$' || d === '`') {
          const end = expansionEnd(text, i);
          if (end > i + 1) {
            dynamic = true;
            const inner = innerScript(segment, i, end);
            if (inner) substitutions.push(inner);
            copy(i, end);
            i = end;
            continue;
          }
        }
        push(d, i);
        i++;
      }
      if (i < text.length) i++;
      continue;
    }
    if (c === '$' || c === '`' || ((c === '<' || c === '>') && text[i + 1] === '(')) {
      const end = c === '<' || c === '>' ? matchParen(text, i + 1) : expansionEnd(text, i);
      if (end > i + 1) {
        dynamic = true;
        const inner = c === '<' || c === '>' ? { text: text.slice(i + 2, end - 1), map: map.slice(i + 2, end) } : innerScript(segment, i, end);
        if (inner) substitutions.push(inner);
        copy(i, end);
        i = end;
        continue;
      }
    }
    // A run of characters with no meaning to the shell is copied at once.
    let end = i + 1;
    while (end < text.length && isPlainWordChar(text.charCodeAt(end))) end++;
    copy(i, end);
    i = end;
  }
  if (i === start) {
    // Not a word (a stray operator character): consume it so the reader always advances.
    push(text[i], i);
    i++;
  }
  offsets.push(map[i]);
  const word: ShellWord = {
    value,
    range: model.source.rangeOf(map[start], map[i]),
    start: map[start],
    end: map[i],
    charOffsets: offsets,
    quoted,
    dynamic,
  };
  return { word, next: i, substitutions };
}

/**
 * Whether a character inside a word is copied as it is: not a blank, line break, quote, escape,
 * expansion, redirection or operator character (readWord looks at each of those).
 */
function isPlainWordChar(code: number): boolean {
  switch (code) {
    case 0x20: // space
    case 0x09: // tab
    case 0x0a: // \n
    case 0x0d: // \r
    case 0x5c: // \
    case 0x27: // '
    case 0x22: // "
    case 0x24: // $
    case 0x60: // `
    case 0x3c: // <
    case 0x3e: // >
    case 0x26: // &
    case 0x7c: // |
    case 0x3b: // ;
    case 0x28: // (
    case 0x29: // )
      return false;
    default:
      return true;
  }
}

/** End (exclusive) of `$(…)`, `$((…))`, `${…}`, `$name`, `` `…` `` starting at `i`; `i + 1` when none. */
function expansionEnd(text: string, i: number): number {
  if (text[i] === '`') {
    let k = i + 1;
    while (k < text.length && text[k] !== '`') k += text[k] === '\\' ? 2 : 1;
    return Math.min(text.length, k + 1);
  }
  const next = text[i + 1];
  if (next === '(') return matchParen(text, i + 1);
  if (next === '{') {
    let depth = 0;
    for (let k = i + 1; k < text.length; k++) {
      if (text[k] === '{') depth++;
      else if (text[k] === '}' && --depth === 0) return k + 1;
    }
    return text.length;
  }
  if (next !== undefined && /[A-Za-z_]/.test(next)) {
    let k = i + 1;
    while (k < text.length && /[A-Za-z0-9_]/.test(text[k])) k++;
    return k;
  }
  if (next !== undefined && /[0-9@*#?$!-]/.test(next)) return i + 2;
  return i + 1;
}

/** End (exclusive) of the parenthesised group opening at `open`, skipping quoted text. */
function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    const c = text[k];
    if (c === '\\') {
      k++;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", k + 1);
      k = close < 0 ? text.length : close;
      continue;
    }
    if (c === '"') {
      let j = k + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      k = j;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return k + 1;
  }
  return text.length;
}

/** The script inside `$(…)` or `` `…` `` (not `$((…))` arithmetic or `${…}`). */
function innerScript(segment: Segment, i: number, end: number): Segment | null {
  const { text, map } = segment;
  if (text[i] === '`') return { text: text.slice(i + 1, end - 1), map: map.slice(i + 1, end) };
  if (text[i + 1] === '(' && text[i + 2] !== '(') return { text: text.slice(i + 2, end - 1), map: map.slice(i + 2, end) };
  return null;
}

// ---- exec form ----------------------------------------------------------------------------------

/** The strings of an exec-form JSON array with their ranges; null when it is not one. */
function readExecArray(raw: string, base: number, model: DockerfileModel): ShellWord[] | null {
  const words: ShellWord[] = [];
  let i = raw.indexOf('[');
  if (i < 0) return null;
  i++;
  while (i < raw.length) {
    const c = raw[i];
    if (c === ']') return words;
    if (c === '"') {
      const start = i;
      let value = '';
      const offsets: number[] = [];
      i++;
      while (i < raw.length && raw[i] !== '"') {
        if (raw[i] === '\\') {
          const e = raw[i + 1];
          if (e === 'u') {
            value += String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
            offsets.push(base + i);
            i += 6;
            continue;
          }
          const decoded = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'b' ? '\b' : e === 'f' ? '\f' : e;
          value += decoded;
          offsets.push(base + i + 1);
          i += 2;
          continue;
        }
        value += raw[i];
        offsets.push(base + i);
        i++;
      }
      const closed = i < raw.length;
      if (closed) i++;
      offsets.push(base + (closed ? i - 1 : i));
      words.push({
        value,
        range: model.source.rangeOf(base + start, base + i),
        start: base + start,
        end: base + i,
        charOffsets: offsets,
        quoted: true,
        dynamic: false,
      });
      continue;
    }
    i++;
  }
  return words;
}
