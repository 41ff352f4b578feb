// Parsing with dockerfile-ast, shaped for how the model and the validator read the tree, without
// changing the library (it is subclassed, never patched):
//
// 1. dockerfile-ast scans an instruction's text again on every getArguments() call, and the model and
//    the validator ask many times per instruction. The parser here builds instructions of subclasses
//    that scan once. Callers get a fresh array every time (ModifiableInstruction.getArguments shifts the
//    flags off it) of the same Argument objects, except FROM's: From.getImageNameRange() changes its
//    image argument's range in place, so a FROM hands out Arguments with fresh ranges. Nothing else in
//    the libraries or the engine changes an argument, a range or a position in place.
// 2. While a file is typed, most instructions keep their text and position. Such an instruction is
//    taken from the previous version's tree instead of being built again, so what was derived from it
//    (its arguments, its syntax problems, its model instruction) is reused too (see `ParseReuse`).
import * as ast from 'dockerfile-ast';
import { Parser } from 'dockerfile-ast/lib/parser';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';

const RAW_ARGUMENTS = Symbol('raw arguments');
// Read once: a bundled import is a getter, and copies are made on every call.
const ArgumentClass = ast.Argument;

type InstructionClass = new (document: TextDocument, range: Range, dockerfile: ast.Dockerfile, escapeChar: string, instruction: string, instructionRange: Range) => ast.Instruction;

/** What the subclasses see of an instruction (`getRawArguments` is private in the library's typings). */
interface ScannedInstruction {
  getRawArguments(): ast.Argument[];
  [RAW_ARGUMENTS]?: ast.Argument[];
}

/**
 * `Base` whose raw arguments are computed once per instruction; `copyRanges` for a class that changes
 * its arguments' ranges in place. (A RUN's arguments are asked for over a dozen times per parse.)
 */
function scanningOnce(Base: InstructionClass, copyRanges = false): InstructionClass {
  return class extends (Base as unknown as new (...args: unknown[]) => ScannedInstruction) {
    getRawArguments(): ast.Argument[] {
      // Set from inside the library's constructors too (JSONInstruction reads its arguments there), so
      // this is a plain property, not a class field that the constructor would reset afterwards.
      const args = (this[RAW_ARGUMENTS] ??= super.getRawArguments());
      if (!copyRanges) return args.slice();
      // Fresh range objects (their start or end may be replaced), sharing the positions.
      return args.map((arg) => {
        const { start, end } = arg.getRange();
        return new ArgumentClass(arg.getValue(), { start, end });
      });
    }
  } as unknown as InstructionClass;
}

/** The library's instruction class for each keyword (as its parser picks them), scanning once. */
const CLASSES: ReadonlyMap<string, InstructionClass> = new Map(
  (
    [
      ['ADD', ast.Add],
      ['ARG', ast.Arg],
      ['CMD', ast.Cmd],
      ['COPY', ast.Copy],
      ['ENTRYPOINT', ast.Entrypoint],
      ['ENV', ast.Env],
      ['FROM', ast.From],
      ['HEALTHCHECK', ast.Healthcheck],
      ['LABEL', ast.Label],
      ['ONBUILD', ast.Onbuild],
      ['RUN', ast.Run],
      ['SHELL', ast.Shell],
      ['STOPSIGNAL', ast.Stopsignal],
      ['WORKDIR', ast.Workdir],
      ['USER', ast.User],
      ['VOLUME', ast.Volume],
    ] as Array<[string, unknown]>
  ).map(([keyword, Class]) => [keyword, scanningOnce(Class as InstructionClass, keyword === 'FROM')]),
);
const OtherInstruction = scanningOnce(ast.Instruction as unknown as InstructionClass);

/**
 * Instructions never taken from an earlier tree: they read their tree (WORKDIR its stage's earlier
 * WORKDIRs, ONBUILD builds its trigger in it), and here-documents reach past the instruction's lines.
 */
const READS_BEYOND_ITSELF = /^(?:workdir|onbuild)$/i;

interface Remembered {
  instruction: ast.Instruction;
  /** The parse (see ParseReuse.parses) that built it. */
  born: number;
}

/**
 * The instructions of one parse of a file, by text and position, for the next version's parse. Held by
 * the file's model (its `derived` store), so it lives exactly as long as the version that made it.
 */
export interface ParseReuse {
  /** How many parses of this file the chain of versions has seen. */
  parses: number;
  byKey: Map<string, Remembered>;
}

/**
 * A reused instruction still refers to the text of the version that built it (identical where it
 * matters: its own lines). Instructions are rebuilt once this many parses old, so that at most about
 * this many characters of old versions are held: typing in a large file renews them sooner.
 */
const HELD_TEXT_BUDGET = 4 * 1024 * 1024;

interface ParserInternals {
  document: TextDocument;
  buffer: string;
  escapeChar: string;
}

// `createInstruction` is private in the library's typings: the class is extended through a plain view of it.
class ReusingParser extends (Parser as unknown as new () => { parse(text: string): ast.Dockerfile }) {
  readonly made: ParseReuse;
  private readonly maxAge: number;

  constructor(
    private readonly earlier: ParseReuse | undefined,
    textLength: number,
  ) {
    super();
    this.made = { parses: (earlier?.parses ?? 0) + 1, byKey: new Map() };
    this.maxAge = Math.max(1, Math.floor(HELD_TEXT_BUDGET / Math.max(1, textLength)));
  }

  // Overrides the library parser's own (private in its typings) method that builds each instruction.
  createInstruction(dockerfile: ast.Dockerfile, keyword: string, start: number, instructionEnd: number, end: number): ast.Instruction {
    const { document, buffer, escapeChar } = this as unknown as ParserInternals;
    const startPosition = document.positionAt(start);
    const text = buffer.substring(start, end);
    const reusable = !READS_BEYOND_ITSELF.test(keyword) && !text.includes('<<');
    const key = reusable ? `${escapeChar}${startPosition.line}:${startPosition.character}:${instructionEnd - start}\n${text}` : undefined;
    const remembered = key === undefined ? undefined : this.earlier?.byKey.get(key);
    if (remembered && this.made.parses - remembered.born < this.maxAge) {
      this.made.byKey.set(key!, remembered);
      return remembered.instruction;
    }
    const instructionRange = { start: startPosition, end: document.positionAt(instructionEnd) };
    const lineRange = { start: startPosition, end: document.positionAt(end) };
    const Class = CLASSES.get(keyword.toUpperCase()) ?? OtherInstruction;
    const instruction = new Class(document, lineRange, dockerfile, escapeChar, keyword, instructionRange);
    if (key !== undefined) this.made.byKey.set(key, { instruction, born: this.made.parses });
    return instruction;
  }
}

/** A parsed file and what its next version's parse may reuse. */
export interface ParsedTree {
  tree: ast.Dockerfile;
  /** The document the tree's ranges are in (what the validator reads). */
  document: TextDocument;
  reuse: ParseReuse;
}

/**
 * Parses `text` as dockerfile-ast's `DockerfileParser.parse` does (same tree, same instruction classes),
 * reusing the instructions of `earlier` (the previous version's parse) whose text and position are unchanged.
 */
export function parseTree(text: string, earlier?: ParseReuse): ParsedTree {
  const parser = new ReusingParser(earlier, text.length);
  const tree = parser.parse(text);
  return { tree, document: (parser as unknown as ParserInternals).document, reuse: parser.made };
}
