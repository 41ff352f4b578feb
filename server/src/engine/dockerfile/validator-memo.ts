// Incremental syntax validation: dockerfile-utils' validator checks the file as a whole (directives, a
// FROM first, duplicate CMDs, stage names), then each instruction on its own. The per-instruction
// checks are most of its time, and while a user types only one instruction changes: their results are
// remembered by the instruction's text and replayed, moved to the instruction's line, for every
// instruction whose lines are unchanged. The file-wide checks still run on every call.
//
// The key is everything those checks read: the instruction's whole lines (so the columns are the
// same), the escape character, whether it is an ONBUILD trigger and the validator's settings. FROM is
// never remembered: it checks its image variable against the global ARGs before it.
import { Validator } from 'dockerfile-utils/lib/dockerValidator';

/** The characters of all remembered keys, at most (the least recently used are forgotten first): about 2 MB. */
const MAX_CHARACTERS = 1_000_000;
let characters = 0;

interface Position {
  line: number;
  character: number;
}

interface Problem {
  instructionLine: number | null;
  range: { start: Position; end: Position };
}

interface InstructionLike {
  getRange(): { start: Position; end: Position };
  getKeyword(): string;
}

interface DocumentLike {
  getText(): string;
  offsetAt(position: Position): number;
}

interface ValidatorInternals {
  document: DocumentLike;
  settings: unknown;
  validateInstruction(document: DocumentLike, escapeChar: string, instruction: InstructionLike, keyword: string, isTrigger: boolean, problems: Problem[]): void;
  checkVariables(instruction: InstructionLike, problems: Problem[]): void;
  __containerGuardSettingsKey?: string;
  /** The escape character of the instruction validated last (checkVariables follows it for the same one). */
  __containerGuardEscape?: string;
}

/** Problems with line numbers relative to the instruction's first line. */
const remembered = new Map<string, Problem[]>();

function moved(problem: Problem, delta: number): Problem {
  const { start, end } = problem.range;
  return {
    ...problem,
    instructionLine: problem.instructionLine === null ? null : problem.instructionLine + delta,
    range: { start: { line: start.line + delta, character: start.character }, end: { line: end.line + delta, character: end.character } },
  };
}

function settingsKey(validator: ValidatorInternals): string {
  validator.__containerGuardSettingsKey ??= JSON.stringify(validator.settings ?? null);
  return validator.__containerGuardSettingsKey;
}

/** The instruction's whole lines, from the start of its first to the start of the line after its last. */
function linesOf(document: DocumentLike, instruction: InstructionLike): { text: string; line: number } {
  const range = instruction.getRange();
  const from = document.offsetAt({ line: range.start.line, character: 0 });
  const to = document.offsetAt({ line: range.end.line + 1, character: 0 });
  return { text: document.getText().slice(from, to), line: range.start.line };
}

/** Runs `check` for an instruction, or replays what it reported for the same lines before. */
function replayed(kind: string, validator: ValidatorInternals, document: DocumentLike, instruction: InstructionLike, problems: Problem[], check: (into: Problem[]) => void): void {
  const { text, line } = linesOf(document, instruction);
  const key = `${kind}\0${settingsKey(validator)}\0${text}`;
  let found = remembered.get(key);
  if (found) {
    remembered.delete(key);
  } else {
    const fresh: Problem[] = [];
    check(fresh);
    found = fresh.map((problem) => moved(problem, -line));
    characters += key.length;
    for (const oldest of remembered.keys()) {
      if (characters <= MAX_CHARACTERS) break;
      remembered.delete(oldest);
      characters -= oldest.length;
    }
  }
  remembered.set(key, found);
  for (const problem of found) problems.push(moved(problem, line));
}

const prototype = Validator.prototype as unknown as ValidatorInternals & { __containerGuardMemo?: true };
if (!prototype.__containerGuardMemo) {
  const validateInstruction = prototype.validateInstruction;
  const checkVariables = prototype.checkVariables;
  prototype.validateInstruction = function (this: ValidatorInternals, document, escapeChar, instruction, keyword, isTrigger, problems) {
    this.__containerGuardEscape = escapeChar;
    if (keyword === 'FROM' || typeof instruction?.getRange !== 'function') {
      validateInstruction.call(this, document, escapeChar, instruction, keyword, isTrigger, problems);
      return;
    }
    replayed(`instruction\0${escapeChar}\0${isTrigger}\0${keyword}`, this, document, instruction, problems, (into) =>
      validateInstruction.call(this, document, escapeChar, instruction, keyword, isTrigger, into),
    );
  };
  prototype.checkVariables = function (this: ValidatorInternals, instruction, problems) {
    const escapeChar = this.__containerGuardEscape;
    if (!this.document || escapeChar === undefined || typeof instruction?.getRange !== 'function') {
      checkVariables.call(this, instruction, problems);
      return;
    }
    replayed(`variables\0${escapeChar}\0${instruction.getKeyword()}`, this, this.document, instruction, problems, (into) => checkVariables.call(this, instruction, into));
  };
  prototype.__containerGuardMemo = true;
}

/** For tests: forget every remembered instruction. */
export function forgetValidatedInstructions(): void {
  remembered.clear();
  characters = 0;
}
