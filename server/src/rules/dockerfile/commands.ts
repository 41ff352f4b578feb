// Shared pieces of the rules that read RUN commands: which tool a command runs (through `sudo`,
// `env`, `python -m pip` …), its options and operands, and the edits that remove one word or one
// `&&` segment while keeping the rest of the line, its continuations and the JSON array intact.
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { DerivedKey, DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import { commandsOf, programOf, segmentDeletion, type ShellCommand, type ShellWord } from '../../engine/dockerfile/shell';

/** A RUN (or `ONBUILD RUN`) with the stage it belongs to. */
export interface RunInstruction {
  instruction: Instruction;
  stage: Stage | undefined;
}

/** Every RUN of the file in document order, ONBUILD triggers included. */
export function runInstructions(model: DockerfileModel): RunInstruction[] {
  const runs: RunInstruction[] = [];
  for (const instruction of model.instructions) {
    const run = instruction.keyword === 'RUN' ? instruction : instruction.trigger?.keyword === 'RUN' ? instruction.trigger : null;
    if (run) runs.push({ instruction: run, stage: model.stages[instruction.stageIndex] });
  }
  return runs;
}

/** A command seen as a call of one tool. */
export interface ToolCall {
  command: ShellCommand;
  /** Normalised tool name: `pip` for pip3/pip3.12/`python -m pip`, `apt-get`, `yum` … */
  tool: string;
  /** The program word (`pip3`, `python3`). */
  word: ShellWord;
  /** Words after the tool (after `-m pip` for `python -m pip`). */
  args: ShellWord[];
}

/** The tool a command runs; undefined for bare assignments and empty commands. */
export function toolCall(command: ShellCommand): ToolCall | undefined {
  const program = programOf(command);
  if (!program) return undefined;
  const word = command.argv[program.index];
  const name = program.name;
  if (/^pip\d*(\.\d+)?$/.test(name)) return { command, tool: 'pip', word, args: program.args };
  if (/^python\d*(\.\d+)?$/.test(name)) {
    const args = program.args;
    for (let i = 0; i < args.length; i++) {
      const value = args[i].value;
      if (value === '-m' && /^pip\d*(\.\d+)?$/.test(args[i + 1]?.value ?? '')) return { command, tool: 'pip', word, args: args.slice(i + 2) };
      if (value === '-m' || !value.startsWith('-')) break;
    }
    return { command, tool: name, word, args };
  }
  return { command, tool: name, word, args: program.args };
}

/** Every tool call of a model, computed once: a dozen rules ask, on every keystroke. */
const TOOL_CALLS: DerivedKey<Array<ToolCall & RunInstruction>> = { name: 'tool calls' };

/** Every tool call in the file's RUN instructions, with the RUN and its stage. */
export function toolCalls(model: DockerfileModel, tools: ReadonlySet<string>): Array<ToolCall & RunInstruction> {
  const calls = model.derived.get(TOOL_CALLS, () => {
    const all: Array<ToolCall & RunInstruction> = [];
    for (const { instruction, stage } of runInstructions(model)) {
      for (const command of commandsOf(model, instruction)) {
        const call = toolCall(command);
        if (call) all.push({ command: call.command, tool: call.tool, word: call.word, args: call.args, instruction, stage });
      }
    }
    return all;
  });
  return calls.filter((call) => tools.has(call.tool));
}

/** Options and operands of a command line, given which options take a separate value. */
export interface SplitArgs {
  /** Option words (`-y`, `--setopt=x`), values of separate-value options excluded. */
  options: ShellWord[];
  /** The value word of each separate-value option, keyed by the option word. */
  optionValues: Map<ShellWord, ShellWord>;
  /** Non-option words in order (the verb first, when the tool has verbs). */
  operands: ShellWord[];
}

/**
 * Splits arguments into options and operands. `--name=value` and `-oX` are single words; an option
 * listed in `withValue` (`-o`, `--enablerepo`) takes the next word. After `--` everything is an operand.
 */
export function splitArgs(args: ShellWord[], withValue: ReadonlySet<string>): SplitArgs {
  const options: ShellWord[] = [];
  const optionValues = new Map<ShellWord, ShellWord>();
  const operands: ShellWord[] = [];
  let onlyOperands = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    const value = word.value;
    if (onlyOperands || !value.startsWith('-') || value === '-') {
      operands.push(word);
      continue;
    }
    if (value === '--') {
      onlyOperands = true;
      continue;
    }
    options.push(word);
    if (!value.includes('=') && withValue.has(value) && i + 1 < args.length) {
      optionValues.set(word, args[i + 1]);
      i++;
    }
  }
  return { options, optionValues, operands };
}

/** The words after the verb (the first operand), split again; undefined when the verb differs. */
export function afterVerb(args: ShellWord[], withValue: ReadonlySet<string>, verbs: ReadonlySet<string>): { verb: ShellWord; rest: ShellWord[] } | undefined {
  const split = splitArgs(args, withValue);
  const verb = split.operands[0];
  if (!verb || !verbs.has(verb.value)) return undefined;
  return { verb, rest: args.slice(args.indexOf(verb) + 1) };
}

/** Short options that are a cluster of single letters (`-fsSLk`), not `--long` or `-o=x`. */
export function isShortCluster(value: string): boolean {
  return /^-[A-Za-z0-9]+$/.test(value);
}

// ---- edits --------------------------------------------------------------------------------------

function range(model: DockerfileModel, start: number, end: number): Range {
  return model.source.rangeOf(start, end);
}

/**
 * Deletes consecutive words of a command (`--trusted-host pypi.org`) with the blanks before them.
 * A word alone on a continuation line takes its line with it; an exec-form JSON element takes its
 * comma.
 */
export function deleteWordsEdit(model: DockerfileModel, command: ShellCommand, first: ShellWord, last: ShellWord = first): TextEdit {
  if (command.execForm && command.depth === 0) {
    const index = command.argv.indexOf(first);
    const lastIndex = command.argv.indexOf(last);
    const next = command.argv[lastIndex + 1];
    if (next) return { range: range(model, first.start, next.start), newText: '' };
    const previous = command.argv[index - 1];
    if (previous) return { range: range(model, previous.end, last.end), newText: '' };
    return { range: range(model, first.start, last.end), newText: '' };
  }
  return deleteSpanEdit(model, first.start, last.end);
}

/**
 * Deletes [from, to) of one line together with the blanks before it. A span that opens a line
 * loses the blanks after it instead, or its whole line when only a continuation follows; a span
 * that ends the instruction on a line of its own takes the continuation above with it.
 */
export function deleteSpanEdit(model: DockerfileModel, from: number, to: number): TextEdit {
  const text = model.source.text;
  let start = from;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  const atLineStart = start === 0 || text[start - 1] === '\n' || text[start - 1] === '\r';
  if (!atLineStart) return { range: range(model, start, to), newText: '' };
  // The words open a line (`    --trusted-host x \⏎`): remove the blanks after them, or the whole
  // line when only a continuation follows.
  let after = to;
  while (after < text.length && (text[after] === ' ' || text[after] === '\t')) after++;
  const rest = lineRest(text, after);
  if (rest.body === model.escapeChar || rest.body === '\\') {
    return { range: range(model, start, rest.lineEnd + rest.breakLength), newText: '' };
  }
  if (rest.body !== '') return { range: range(model, from, after), newText: '' };
  // The words end the instruction on a line of their own: take the continuation above with them,
  // or the next line would join the instruction.
  let back = start;
  if (back > 0 && text[back - 1] === '\n') back--;
  if (back > 0 && text[back - 1] === '\r') back--;
  while (back > 0 && (text[back - 1] === ' ' || text[back - 1] === '\t')) back--;
  if (back > 0 && (text[back - 1] === model.escapeChar || text[back - 1] === '\\')) back--;
  while (back > 0 && (text[back - 1] === ' ' || text[back - 1] === '\t')) back--;
  return { range: range(model, back, to), newText: '' };
}

function lineRest(text: string, from: number): { body: string; lineEnd: number; breakLength: number } {
  let lineEnd = from;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const breakLength = text[lineEnd] === '\r' && text[lineEnd + 1] === '\n' ? 2 : lineEnd < text.length ? 1 : 0;
  return { body: text.slice(from, lineEnd).trimEnd(), lineEnd, breakLength };
}

/** Deletes one character range inside a word (the `k` of `-fsSLk`). */
export function deleteCharsEdit(model: DockerfileModel, word: ShellWord, from: number, to: number): TextEdit {
  return { range: range(model, word.charOffsets[from], word.charOffsets[to - 1] + 1), newText: '' };
}

/** Deletes an instruction's lines (continuations and heredoc bodies included). */
export function deleteInstructionEdit(model: DockerfileModel, instruction: Instruction): TextEdit {
  const { source } = model;
  const startLine = instruction.startLine;
  const endLine = Math.min(instruction.endLine, source.lineCount - 1);
  if (endLine + 1 < source.lineCount) {
    return { range: { start: { line: startLine, character: 0 }, end: { line: endLine + 1, character: 0 } }, newText: '' };
  }
  if (startLine > 0) {
    return { range: source.rangeOf(source.lineEnd(startLine - 1), source.text.length), newText: '' };
  }
  return { range: source.rangeOf(0, source.text.length), newText: '' };
}

/**
 * Deletes a command with one joining `&&`/`;`: "delete that && segment". When the command is the
 * whole RUN, the RUN goes. Undefined when it cannot be removed cleanly (pipelines, `||` chains, a
 * command alone in a nested script).
 */
export function deleteCommandEdit(model: DockerfileModel, command: ShellCommand): TextEdit | undefined {
  const segment = segmentDeletion(command);
  if (segment) return { range: range(model, segment.start, segment.end), newText: '' };
  if (command.before !== null || command.after !== null) return undefined;
  const all = commandsOf(model, command.instruction);
  if (command.depth === 0 && all.every((c) => c === command || c.depth > 0)) return deleteInstructionEdit(model, command.instruction);
  return undefined;
}

/** Inserts text right after a word (` --no-install-recommends` after `install`). */
export function insertAfterWordEdit(model: DockerfileModel, command: ShellCommand, word: ShellWord, shellText: string, execElement: string): TextEdit {
  const position = model.source.positionAt(word.end);
  return { range: { start: position, end: position }, newText: command.execForm && command.depth === 0 ? `, ${JSON.stringify(execElement)}` : shellText };
}

// ---- ARG / ENV pairs and shell assignments ---------------------------------------------------------

/** One `NAME=value` (or legacy `ENV NAME value`) of an ARG or ENV instruction. */
export interface VariablePair {
  instruction: Instruction;
  kind: 'ARG' | 'ENV';
  name: string;
  /** The value as written with quotes removed; null for `ARG NAME` without a default. */
  value: string | null;
  /** The value after variable expansion; null when absent or unresolved. */
  resolved: string | null;
  nameRange: Range;
  /** The whole pair. */
  range: Range;
  /** Number of pairs in the instruction. */
  count: number;
}

const VARIABLE_PAIRS: DerivedKey<VariablePair[]> = { name: 'ARG and ENV pairs' };

/** Every ARG/ENV pair of the file (ONBUILD triggers included), in document order. */
export function variablePairs(model: DockerfileModel): readonly VariablePair[] {
  return model.derived.get(VARIABLE_PAIRS, () => readVariablePairs(model));
}

function readVariablePairs(model: DockerfileModel): VariablePair[] {
  const pairs: VariablePair[] = [];
  for (const top of model.instructions) {
    const instruction = top.keyword === 'ARG' || top.keyword === 'ENV' ? top : top.trigger && (top.trigger.keyword === 'ARG' || top.trigger.keyword === 'ENV') ? top.trigger : null;
    if (!instruction) continue;
    let properties: import('dockerfile-ast').Property[] = [];
    try {
      properties = (instruction.node as import('dockerfile-ast').Env).getProperties();
    } catch {
      continue;
    }
    for (const property of properties) {
      try {
        const value = property.getValue();
        let resolved: string | null = null;
        if (value !== null) {
          resolved = value.includes('$') ? model.expand(value, instruction).value : value;
        }
        pairs.push({
          instruction,
          kind: instruction.keyword as 'ARG' | 'ENV',
          name: property.getName(),
          value,
          resolved,
          nameRange: property.getNameRange(),
          range: property.getRange(),
          count: properties.length,
        });
      } catch {
        // a property dockerfile-ast cannot read
      }
    }
  }
  return pairs;
}

/** Deletes one ARG/ENV pair, or the whole instruction when it is the only one. */
export function deletePairEdit(model: DockerfileModel, pair: VariablePair): TextEdit {
  if (pair.count <= 1) return deleteInstructionEdit(model, pair.instruction);
  const { source } = model;
  return deleteSpanEdit(model, source.offsetAt(pair.range.start), source.offsetAt(pair.range.end));
}

/** A `NAME=value` a RUN sets: a command prefix, a bare assignment, `export`, or `env NAME=value`. */
export interface ShellAssignment {
  command: ShellCommand;
  word: ShellWord;
  name: string;
  /** The value with quotes removed (`$VAR` left as written). */
  value: string;
  form: 'prefix' | 'bare' | 'export' | 'env';
}

const SHELL_ASSIGNMENTS: DerivedKey<ShellAssignment[]> = { name: 'shell assignments' };

/** Every assignment the RUN commands of the file make. */
export function shellAssignments(model: DockerfileModel): readonly ShellAssignment[] {
  return model.derived.get(SHELL_ASSIGNMENTS, () => readShellAssignments(model));
}

function readShellAssignments(model: DockerfileModel): ShellAssignment[] {
  const result: ShellAssignment[] = [];
  for (const run of runInstructions(model)) {
    for (const command of commandsOf(model, run.instruction)) {
      const form = command.argv.length === 0 ? 'bare' : 'prefix';
      for (const word of command.assignments) result.push({ command, word, ...nameValue(word.value), form });
      const first = command.argv[0]?.value;
      if (first === 'export' || first === 'env' || first === 'declare' || first === 'readonly') {
        for (const word of command.argv.slice(1)) {
          if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.value)) result.push({ command, word, ...nameValue(word.value), form: first === 'env' ? 'env' : 'export' });
          else if (first === 'env' && !word.value.startsWith('-')) break;
        }
      }
    }
  }
  return result;
}

function nameValue(text: string): { name: string; value: string } {
  const eq = text.indexOf('=');
  return { name: text.slice(0, eq).replace(/\+$/, ''), value: text.slice(eq + 1) };
}

/**
 * Removes an assignment: the word, or its whole command (`export A=1`, a bare `A=1`) when it is
 * the command's only word that matters. Undefined when that cannot be done cleanly.
 */
export function deleteAssignmentEdit(model: DockerfileModel, assignment: ShellAssignment): TextEdit | undefined {
  const { command, word, form } = assignment;
  if (form === 'bare' && command.assignments.length === 1) return deleteCommandEdit(model, command);
  if (form === 'export' && command.argv.length === 2) return deleteCommandEdit(model, command);
  if (form === 'env' && command.argv.length <= 2) return undefined;
  return deleteWordsEdit(model, command, word);
}

// ---- yum / dnf ------------------------------------------------------------------------------------

/** The RPM package managers that take `--setopt` and `--nogpgcheck`. */
export const RPM_MANAGERS = new Set(['yum', 'dnf', 'dnf5', 'microdnf', 'tdnf', 'yum-config-manager']);

/** One `--setopt=key=value` (or `--setopt key=value`). */
export interface SetOpt {
  /** The `--setopt` word. */
  first: ShellWord;
  /** The word holding the value (the same word in the `=` form). */
  last: ShellWord;
  /** `[repo.]key`, lower-cased. */
  key: string;
  value: string;
}

export function setOpts(args: ShellWord[]): SetOpt[] {
  const result: SetOpt[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    let assignment: string;
    let last = word;
    if (word.value === '--') break;
    if (word.value.startsWith('--setopt=')) assignment = word.value.slice('--setopt='.length);
    else if (word.value === '--setopt' && args[i + 1]) {
      last = args[++i];
      assignment = last.value;
    } else continue;
    const eq = assignment.indexOf('=');
    if (eq < 0) continue;
    result.push({ first: word, last, key: assignment.slice(0, eq).trim().toLowerCase(), value: assignment.slice(eq + 1).trim() });
  }
  return result;
}

/** Whether a `--setopt` key is `<name>` or `<repo>.<name>`. */
export function setOptNames(option: SetOpt, name: string): boolean {
  return option.key === name || option.key.endsWith(`.${name}`);
}

/** yum/dnf's false values. */
export function isFalseValue(value: string): boolean {
  return /^(0|false|no|off)$/i.test(value);
}

/** Whether a yum/dnf call is a `config-manager` call (`yum-config-manager`, `dnf config-manager`). */
export function isConfigManager(call: ToolCall): boolean {
  if (call.tool === 'yum-config-manager') return true;
  return call.args.find((w) => !w.value.startsWith('-'))?.value === 'config-manager';
}
