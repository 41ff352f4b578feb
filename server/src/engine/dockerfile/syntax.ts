// Syntax problems from dockerfile-utils' validator (what dockerfile-language-service's validate gives),
// mapped to our severities. The validator is guarded: it is known to recurse to a RangeError on some inputs.
//
// The library's `validate(text)` parses the text again and checks every instruction. Here the same checks
// run over the model's tree, in the library's order, and the checks of one instruction (the expensive
// part) are kept with the instruction: an instruction the next version's parse reuses (ast.ts) is not
// checked again. The file-wide checks (parser directives, a missing FROM, repeated CMD, ENTRYPOINT and
// HEALTHCHECK, duplicate stage names, `# dockerfile-utils: ignore`) run on every version.
import type * as ast from 'dockerfile-ast';
import { Validator } from 'dockerfile-utils/lib/dockerValidator';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Position } from 'vscode-languageserver-types';
import type { SyntaxProblem } from '../types';

export const SYNTAX_SOURCE = 'dockerfile-utils';

/** Instructions whose variable modifiers dockerfile-utils' checkVariables accepts whatever they are. */
const SHELL_EXPANDING = new Set(['CMD', 'ENTRYPOINT', 'RUN']);

/** A validator problem, with the instruction line `# dockerfile-utils: ignore` applies to. */
type ValidatorProblem = Diagnostic & { instructionLine: number | null };

/** The library validator's checks that `validate()` composes (private in its typings). */
interface ValidatorChecks {
  document: TextDocument;
  settings: Record<string, unknown>;
  checkDirectives(tree: ast.Dockerfile, problems: ValidatorProblem[]): void;
  createDuplicatesDiagnostics(problems: ValidatorProblem[], severity: unknown, keyword: string, instructions: ast.Instruction[]): void;
  createDuplicateBuildStageNameDiagnostics(problems: ValidatorProblem[], froms: ast.From[]): void;
  validateInstruction(document: TextDocument, escapeChar: string, instruction: ast.Instruction, keyword: string, isTrigger: boolean, problems: ValidatorProblem[]): void;
  checkVariables(instruction: ast.Instruction, problems: ValidatorProblem[]): void;
}

const createNoSourceImage = (Validator as unknown as { createNoSourceImage(start: Position, end: Position): ValidatorProblem }).createNoSourceImage;

/** Each instruction's own problems, for the next version (see ast.ts ParseReuse). */
export type InstructionProblems = WeakMap<ast.Instruction, ValidatorProblem[]>;

export interface TreeValidation {
  problems: SyntaxProblem[];
  byInstruction: InstructionProblems;
}

/**
 * The problems dockerfile-utils' `validate(document.getText())` reports, computed on `tree` (the parse of
 * that text). `earlier` holds the previous version's per-instruction problems, reused for the instructions
 * the two trees share. A crash becomes one informational problem instead of an exception.
 */
export function validateTree(document: TextDocument, tree: ast.Dockerfile, earlier?: InstructionProblems): TreeValidation {
  const byInstruction: InstructionProblems = new WeakMap();
  try {
    const problems = validatorProblems(document, tree, earlier, byInstruction);
    return {
      byInstruction,
      problems: problems.map((d) => ({ source: SYNTAX_SOURCE, message: typeof d.message === 'string' ? d.message : d.message.value, range: d.range, severity: mapSeverity(d.severity) })),
    };
  } catch (error) {
    return {
      byInstruction,
      problems: [
        {
          source: SYNTAX_SOURCE,
          message: `Syntax validation was skipped: the Dockerfile validator failed on this file (${describe(error)}). Security checks still ran.`,
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: 'info',
        },
      ],
    };
  }
}

function validatorProblems(document: TextDocument, tree: ast.Dockerfile, earlier: InstructionProblems | undefined, byInstruction: InstructionProblems): ValidatorProblem[] {
  const checks = new Validator() as unknown as ValidatorChecks;
  checks.document = document;
  const problems: ValidatorProblem[] = [];
  checks.checkDirectives(tree, problems);
  const instructions = tree.getInstructions();
  if (instructions.length === 0 || tree.getARGs().length === instructions.length) problems.push(createNoSourceImage(document.positionAt(0), document.positionAt(0)));

  // CMD, ENTRYPOINT and HEALTHCHECK more than once in a stage.
  const repeatable: Array<[string, unknown]> = [
    ['CMD', checks.settings.instructionCmdMultiple],
    ['ENTRYPOINT', checks.settings.instructionEntrypointMultiple],
    ['HEALTHCHECK', checks.settings.instructionHealthcheckMultiple],
  ];
  let inStage = new Map<string, ast.Instruction[]>();
  const reportRepeats = () => {
    for (const [keyword, severity] of repeatable) checks.createDuplicatesDiagnostics(problems, severity, keyword, inStage.get(keyword) ?? []);
    inStage = new Map();
  };
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') reportRepeats();
    else if (repeatable.some(([name]) => name === keyword)) {
      const seen = inStage.get(keyword);
      if (seen) seen.push(instruction);
      else inStage.set(keyword, [instruction]);
    }
  }
  reportRepeats();
  checks.createDuplicateBuildStageNameDiagnostics(problems, tree.getFROMs());

  const escapeChar = tree.getEscapeCharacter();
  let hasFrom = false;
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') hasFrom = true;
    else if (!hasFrom && keyword !== 'ARG') {
      // The first instruction that is neither ARG nor FROM.
      const range = instruction.getInstructionRange();
      problems.push(createNoSourceImage(range.start, range.end));
      hasFrom = true;
    }
    let own = earlier?.get(instruction);
    if (!own) {
      own = [];
      checks.validateInstruction(document, escapeChar, instruction, keyword, false, own);
      // The library's variable check reports nothing for these (shell expansions are allowed), and
      // scanning a long RUN for variables is most of what it costs.
      if (!SHELL_EXPANDING.has(keyword)) checks.checkVariables(instruction, own);
    }
    byInstruction.set(instruction, own);
    problems.push(...own);
  }
  for (const trigger of tree.getOnbuildTriggers()) checks.validateInstruction(document, escapeChar, trigger, trigger.getKeyword(), true, problems);

  // `# dockerfile-utils: ignore` drops the problems of the instruction on the next line.
  const ignored = new Set(tree.getComments().filter((comment) => comment.getContent() === 'dockerfile-utils: ignore').map((comment) => comment.getRange().start.line + 1));
  return problems.filter((problem) => problem.instructionLine === null || !ignored.has(problem.instructionLine));
}

/** LSP DiagnosticSeverity (1 Error … 4 Hint) → our severity names. */
export function mapSeverity(severity: number | undefined): SyntaxProblem['severity'] {
  switch (severity) {
    case 2:
      return 'warning';
    case 3:
      return 'info';
    case 4:
      return 'hint';
    default:
      return 'error';
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 120)}`;
  return String(error).slice(0, 120);
}
