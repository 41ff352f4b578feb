// The Dockerfile model every Dockerfile rule reads: instructions with ranges, stages with their
// ARG-resolved base image references, the shipped stage and its chain of parents, effective USER
// and base image family. Built on dockerfile-ast; every call into it is guarded, so a parser crash
// yields a degraded model plus a syntax problem, never an exception.
import type * as ast from 'dockerfile-ast';
import { parseTree, type ParseReuse } from './ast';
import type { Range } from 'vscode-languageserver-types';
import { SourceText, endWithoutBlanks } from '../text';
import type { ModelBase, SyntaxProblem } from '../types';
import { builtinScope, expandVariables, type Expansion, type Scope, type VarDecl } from './args';
import { classifyBaseImage, scratchInfo, type BaseImageInfo } from './base-images';
import { parseImageRef, type ImageRef } from './image-ref';
import { describe, validateTree, type InstructionProblems } from './syntax';

export type { Expansion, Scope, VarDecl } from './args';
export type { BaseImageFamily, BaseImageInfo } from './base-images';
export type { ImageRef } from './image-ref';

/** Source of the problems the model itself reports (parser crashes). */
export const MODEL_SOURCE = 'container-guard';

export interface Token {
  value: string;
  range: Range;
}

export interface InstructionFlag {
  /** Name without the leading `--` (`chown`, `from`, `platform`). */
  name: string;
  /** Value after `=`, null when the flag has no `=`. */
  value: string | null;
  /** The whole flag, `--name=value`. */
  range: Range;
  nameRange: Range;
  valueRange: Range | null;
}

export interface HeredocInfo {
  name: string;
  /** Range of the name after `<<` on the instruction line. */
  nameRange: Range;
  /** Range of the body, null when empty. */
  contentRange: Range | null;
  /** The body text between the opening line and the delimiter line (no final line break), '' when empty. */
  content: string;
  /** False when no delimiter line ends the body: it runs to the end of the file (text added below joins it). */
  terminated: boolean;
}

export interface Instruction {
  /** Upper-case keyword (`FROM`, `RUN`); for a junk line, its first word upper-cased. */
  keyword: string;
  /** The keyword exactly as written (`from`, `Run`). */
  keywordText: string;
  keywordRange: Range;
  /** The whole instruction, including continuation lines and heredoc bodies. */
  range: Range;
  startLine: number;
  endLine: number;
  /** Range of the arguments after the flags (null when there are none). */
  argsRange: Range | null;
  /** Source text of `argsRange` as written (continuations and heredoc bodies included), '' when none. */
  rawArgs: string;
  /** `rawArgs` with line continuations and the comment lines inside them removed. */
  argsText: string;
  /** Whitespace-separated arguments after the flags, as dockerfile-ast splits them. */
  args: Token[];
  /** Flags (`--chown=…`) of FROM, ADD, COPY, RUN, HEALTHCHECK. */
  flags: InstructionFlag[];
  /** The arguments parsed as a JSON string array (exec form), null when they are not one. */
  execForm: string[] | null;
  /** Here-documents (`<<EOF`) of this instruction. */
  heredocs: HeredocInfo[];
  /** Index of the stage the instruction belongs to; -1 before the first FROM (0 in a file without FROM). */
  stageIndex: number;
  /** For ONBUILD: the trigger instruction (its ranges are in the same document). */
  trigger: Instruction | null;
  /** True for the trigger instruction nested in an ONBUILD. */
  inOnbuild: boolean;
  /** The dockerfile-ast node, for rules that need more. Calls on it must be guarded. */
  node: ast.Instruction;
}

export interface StageImage {
  /** The image token as written, null when FROM has no argument. */
  text: string | null;
  /** Range of the image token (without flags or `AS name`), null when absent. */
  range: Range | null;
  /** The reference after ARG expansion, null when absent or unresolved. */
  resolved: string | null;
  /** Parsed `resolved` (null when unresolved or absent). */
  ref: ImageRef | null;
  /** Whether the token contains `$` references. */
  hasVariables: boolean;
  /** Variables that could not be resolved. */
  unresolved: string[];
  /** ARG declarations whose values were used (for relatedInformation on the ARG default). */
  usedArgs: VarDecl[];
  /** `FROM scratch`. */
  isScratch: boolean;
  /** The earlier stage this FROM names (case-insensitive), null for an image. */
  stageRef: Stage | null;
}

export interface Stage {
  index: number;
  /** Alias from `AS name`, null when unnamed. */
  name: string | null;
  nameRange: Range | null;
  from: Instruction;
  image: StageImage;
  /** The `--platform` flag value, null when absent. */
  platform: string | null;
  /** The stage this one builds on (`FROM <earlier stage>`), null for an image. */
  parent: Stage | null;
  /** Instructions after FROM up to the next FROM (ONBUILD triggers are inside their ONBUILD). */
  instructions: Instruction[];
  /** Last line of the stage's last instruction (the FROM line when the stage is empty). */
  endLine: number;
  /**
   * True for the one stage a file without any FROM is read as (a fragment being typed): its
   * instructions still belong to a stage, but `from` is a placeholder covering no text (no
   * keyword, empty ranges at the start of the file, `endLine` -1) and `image` is absent, as for
   * a `FROM` without an argument.
   */
  implicit: boolean;
}

export interface Directive {
  /** Lower-cased name (`syntax`, `escape`, `check`). */
  name: string;
  value: string;
  line: number;
  range: Range;
  valueRange: Range;
}

export interface EffectiveUser {
  /** The USER argument as written (`$APP_USER`, `root:root`), or the base image's default user. */
  text: string;
  /** After variable expansion; null when unresolved. */
  resolved: string | null;
  /** User part of `resolved` (before `:`), null when unresolved. */
  user: string | null;
  /** Group part of `resolved`, null when absent or unresolved. */
  group: string | null;
  /** The USER instruction, null when the user comes from the base image's config. */
  instruction: Instruction | null;
  /** Range of the USER argument, null when from the base image. */
  range: Range | null;
  /** The stage the USER is in (for a base image default: the chain's root stage). */
  stage: Stage;
  /** True when set in a parent stage rather than the stage asked about. */
  inherited: boolean;
  fromBaseImage: boolean;
  /** ARG/ENV declarations used to resolve it. */
  usedVars: VarDecl[];
}

export interface DockerfileModel extends ModelBase {
  /** Line ending used for inserted text: the file's dominant one (lone `\r` included). */
  eol: '\n' | '\r\n' | '\r';
  /** The escape character (`\` or, with `# escape=\``, a backtick). */
  escapeChar: string;
  /** Parser directives at the top of the file, in order. */
  directives: Directive[];
  /** Top-level instructions in document order (ONBUILD triggers hang off their ONBUILD). */
  instructions: Instruction[];
  /** ARGs before the first FROM (usable in FROM lines), in order. */
  globalArgs: VarDecl[];
  stages: Stage[];
  /** True when dockerfile-ast crashed and the model was built from partial information. */
  degraded: boolean;
  /**
   * False for a file without any FROM (a fragment being typed, read as one implicit stage):
   * instruction rules still apply, rules about stages and the final image wait for a FROM.
   */
  hasFrom: boolean;
  /** The stage that ships: the one named by `buildTarget` (case-insensitive), else the last. */
  shippedStage(buildTarget?: string): Stage | undefined;
  /** The shipped stage and its parents through `FROM <stage>`, root first, shipped stage last. */
  shippedChain(buildTarget?: string): Stage[];
  /** A stage and its parents through `FROM <stage>`, root first. */
  chainOf(stage: Stage): Stage[];
  /** The stage whose lines include `line` (undefined before the first FROM). */
  stageAt(line: number): Stage | undefined;
  /** The earliest stage with this alias (case-insensitive). */
  stageByName(name: string): Stage | undefined;
  /** Variables (ARG, ENV, inherited ENV, predefined platform ARGs) visible to an instruction. */
  scopeAt(instruction: Instruction): Scope;
  /** Expands `$A`, `${A:-x}` … in text as the given instruction would see it. */
  expand(text: string, instruction: Instruction): Expansion;
  /** The user a stage runs as: its last USER, else its parents', else its base image's default user. */
  effectiveUser(stage: Stage): EffectiveUser | undefined;
  /** The base image of the chain's root stage, classified (family, default user …). */
  baseImage(stage: Stage): BaseImageInfo;
  /** The last instruction with this keyword in the stage's chain (own instructions first). */
  lastInChain(stage: Stage, keyword: string): { instruction: Instruction; stage: Stage } | undefined;
  /** The effective SHELL of a stage (its own or inherited), default `["/bin/sh", "-c"]`. */
  effectiveShell(stage: Stage): string[];
  /** Results shared helpers derive from this model (shell commands, tool calls …), each computed once. */
  readonly derived: Derived;
}

/** Names one kind of derived result; declared once per kind as a module constant. */
export interface DerivedKey<T> {
  readonly name: string;
  /** Only carries `T` for the type checker. */
  readonly type?: T;
}

/**
 * The results several rules need from one model (a RUN's commands, every tool call, every ARG/ENV
 * pair), computed on first use and kept as long as the model: a dozen rules ask on every keystroke.
 */
export class Derived {
  private readonly values = new Map<DerivedKey<unknown>, unknown>();
  /** The previous version's results while the file is typed (see `earlier`), until `settle`. */
  private previous: Map<DerivedKey<unknown>, unknown> | undefined;

  constructor(previous?: Derived) {
    this.previous = previous?.values;
  }

  get<T>(key: DerivedKey<T>, compute: () => T): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = compute();
    this.values.set(key, value);
    return value;
  }

  /**
   * What the previous version of the file derived for `key`: helpers reuse the parts whose source
   * did not change (a RUN's commands, keyed by its exact text and position).
   */
  earlier<T>(key: DerivedKey<T>): T | undefined {
    return this.previous?.get(key) as T | undefined;
  }

  /** Lets go of the previous version once this one is analyzed. */
  settle(): void {
    this.previous = undefined;
  }
}

/** What the previous version's parse built, for the next one (ast.ts). */
const PARSE: DerivedKey<ParseReuse> = { name: 'dockerfile-ast instructions' };
/** Each dockerfile-ast instruction's syntax problems (syntax.ts). */
const SYNTAX: DerivedKey<InstructionProblems> = { name: 'syntax problems by instruction' };
/** Each dockerfile-ast instruction read as a model instruction (before its stage is known). */
const READ: DerivedKey<WeakMap<ast.Instruction, Instruction>> = { name: 'model instructions' };

const DIRECTIVE_LINE = /^[ \t]*#[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*(.*?)[ \t]*$/;
const FLAGGED = new Set(['FROM', 'ADD', 'COPY', 'RUN', 'HEALTHCHECK']);
const EXEC_FORM_KEYWORDS = new Set(['CMD', 'ENTRYPOINT', 'RUN', 'SHELL', 'ADD', 'COPY', 'VOLUME']);
const DEFAULT_SHELL = ['/bin/sh', '-c'];
/** Instructions of a stage: a file without FROM that has one is a fragment (junk alone is not). */
const STAGE_KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD',
  'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

export interface ParseOptions {
  /**
   * Run dockerfile-language-service's validator for `problems` (default true). It dominates the
   * parse time on large files (about 2 s for 100 KB), so callers with a size limit can turn it off.
   */
  validate?: boolean;
  /** The previous version of the same file, while it is typed: its derived results are reused where the text did not change. */
  previous?: DockerfileModel;
}

/** A copy of a model instruction for another version of the file, in stage `stageIndex`. */
function inStage(instruction: Instruction, stageIndex: number): Instruction {
  const trigger = instruction.trigger && { ...instruction.trigger, stageIndex };
  return { ...instruction, stageIndex, trigger };
}

/** A stage's image before its reference is resolved (or of an implicit stage: none). */
function unresolvedImage(text: string | null, range: StageImage['range']): StageImage {
  return { text, range, resolved: null, ref: null, hasVariables: false, unresolved: [], usedArgs: [], isScratch: false, stageRef: null };
}

export function parseDockerfile(text: string, options: ParseOptions = {}): DockerfileModel {
  return new ParsedDockerfile(typeof text === 'string' ? text : String(text ?? ''), options.validate !== false, options.previous);
}

class ParsedDockerfile implements DockerfileModel {
  readonly source: SourceText;
  readonly problems: SyntaxProblem[] = [];
  readonly fileCommentLine: number;
  readonly eol: '\n' | '\r\n' | '\r';
  readonly escapeChar: string;
  readonly directives: Directive[];
  readonly instructions: Instruction[] = [];
  readonly globalArgs: VarDecl[] = [];
  readonly stages: Stage[] = [];
  degraded = false;
  readonly hasFrom: boolean;
  readonly derived: Derived;

  private readonly statementStarts: Int32Array;
  private readonly globalScope: Map<string, VarDecl>;
  private readonly envAtEnd = new Map<Stage, Map<string, VarDecl>>();
  private heredocProblem = false;

  constructor(text: string, validate: boolean, previous: DockerfileModel | undefined) {
    this.derived = new Derived(previous?.derived);
    this.source = new SourceText(text);
    this.eol = dominantEol(text, this.source.eol);
    this.directives = this.readDirectives();
    this.fileCommentLine = this.directives.length ? this.directives[this.directives.length - 1].line + 1 : 0;
    const escape = this.directives.find((d) => d.name === 'escape')?.value;
    this.escapeChar = escape === '`' ? '`' : '\\';

    let parsed: ReturnType<typeof parseTree> | null = null;
    try {
      parsed = parseTree(text, this.derived.earlier(PARSE));
      this.derived.get(PARSE, () => parsed!.reuse);
    } catch (error) {
      this.degrade(`The Dockerfile parser failed (${describe(error)}); no security checks ran on this file.`);
    }
    if (parsed) this.readInstructions(parsed.tree);
    this.hasFrom = this.instructions.some((i) => i.keyword === 'FROM');
    const fragment = !this.hasFrom && this.instructions.some((i) => STAGE_KEYWORDS.has(i.keyword));
    if (fragment) this.joinImplicitStage();

    this.globalScope = this.buildGlobalScope();
    this.buildStages(fragment);

    this.statementStarts = new Int32Array(this.source.lineCount).fill(-1);
    for (const instruction of this.instructions) {
      const last = Math.min(instruction.endLine, this.source.lineCount - 1);
      for (let line = instruction.startLine; line <= last; line++) this.statementStarts[line] = instruction.startLine;
    }
    if (validate && parsed) {
      const validation = validateTree(parsed.document, parsed.tree, this.derived.earlier(SYNTAX));
      this.derived.get(SYNTAX, () => validation.byInstruction);
      this.problems.push(...validation.problems);
    }
  }

  statementStart(line: number): number {
    if (line < 0 || line >= this.statementStarts.length) return Math.max(0, line);
    const start = this.statementStarts[line];
    return start < 0 ? line : start;
  }

  // ---- reading ------------------------------------------------------------------------------

  private degrade(message: string): void {
    this.degraded = true;
    this.problems.push({
      source: MODEL_SOURCE,
      message,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'info',
    });
  }

  private readDirectives(): Directive[] {
    const directives: Directive[] = [];
    for (let line = 0; line < this.source.lineCount; line++) {
      let lineText = this.source.lineText(line);
      let offset = 0;
      if (line === 0 && lineText.charCodeAt(0) === 0xfeff) {
        lineText = lineText.slice(1);
        offset = 1;
      }
      const m = DIRECTIVE_LINE.exec(lineText);
      if (!m) break;
      const valueStart = offset + lineText.indexOf(m[2], lineText.indexOf('=') + 1);
      directives.push({
        name: m[1].toLowerCase(),
        value: m[2],
        line,
        range: { start: { line, character: offset }, end: { line, character: offset + lineText.length } },
        valueRange: { start: { line, character: valueStart }, end: { line, character: valueStart + m[2].length } },
      });
    }
    return directives;
  }

  private readInstructions(document: ast.Dockerfile): void {
    let nodes: ast.Instruction[] = [];
    try {
      nodes = document.getInstructions();
    } catch (error) {
      this.degrade(`The Dockerfile parser failed (${describe(error)}); no security checks ran on this file.`);
      return;
    }
    // An instruction the parse took from the previous version reads as it did then (only its stage may differ).
    const earlier = this.derived.earlier(READ);
    const read = this.derived.get(READ, () => new WeakMap<ast.Instruction, Instruction>());
    let stageIndex = -1;
    for (const node of nodes) {
      const before = earlier?.get(node);
      const instruction = before ? inStage(before, stageIndex) : this.convert(node, stageIndex, false);
      if (!instruction) continue;
      read.set(node, instruction);
      if (instruction.keyword === 'FROM') {
        stageIndex++;
        instruction.stageIndex = stageIndex;
      }
      this.instructions.push(instruction);
    }
  }

  private convert(node: ast.Instruction, stageIndex: number, inOnbuild: boolean): Instruction | null {
    try {
      const range = node.getRange();
      const keywordRange = node.getInstructionRange();
      const keywordText = node.getInstruction();
      const keyword = node.getKeyword().toUpperCase();
      const argsRange = node.getArgumentsRange();
      const rawArgs = argsRange ? this.sliceRange(argsRange) : '';
      let args: Token[] = [];
      let flags: InstructionFlag[] = [];
      try {
        args = node.getArguments().map((a) => ({ value: a.getValue(), range: a.getRange() }));
      } catch {
        args = [];
      }
      if (FLAGGED.has(keyword)) {
        try {
          const withFlags = node as unknown as { getFlags?: () => ast.Flag[] };
          flags = (withFlags.getFlags?.() ?? []).map((f) => ({
            name: f.getName(),
            value: f.getValue(),
            range: f.getRange(),
            nameRange: f.getNameRange(),
            valueRange: f.getValueRange(),
          }));
        } catch {
          flags = [];
        }
      }
      const argsText = joinContinuations(rawArgs, this.escapeChar);
      const instruction: Instruction = {
        keyword,
        keywordText,
        keywordRange,
        range,
        startLine: range.start.line,
        endLine: range.end.line,
        argsRange,
        rawArgs,
        argsText,
        args,
        flags,
        execForm: EXEC_FORM_KEYWORDS.has(keyword) ? parseExecForm(argsText) : null,
        heredocs: rawArgs.includes('<<') ? this.readHeredocs(node) : [],
        stageIndex,
        trigger: null,
        inOnbuild,
        node,
      };
      if (keyword === 'ONBUILD' && !inOnbuild) {
        try {
          const trigger = (node as ast.Onbuild).getTriggerInstruction();
          if (trigger) instruction.trigger = this.convert(trigger, stageIndex, true);
        } catch {
          instruction.trigger = null;
        }
      }
      return instruction;
    } catch {
      return null;
    }
  }

  private readHeredocs(node: ast.Instruction): HeredocInfo[] {
    try {
      const reader = node as unknown as { getHeredocs?: () => ast.Heredoc[] };
      return (reader.getHeredocs?.() ?? []).map((h) => {
        const contentRange = h.getContentRange();
        return {
          name: h.getName(),
          nameRange: h.getNameRange(),
          contentRange,
          content: contentRange ? this.sliceRange(contentRange) : '',
          terminated: h.getDelimiterRange() !== null,
        };
      });
    } catch (error) {
      if (!this.heredocProblem) {
        this.heredocProblem = true;
        this.problems.push({
          source: MODEL_SOURCE,
          message: `Here-document bodies could not be read (${describe(error)}); checks that look inside them were skipped.`,
          range: node.getRange(),
          severity: 'info',
        });
      }
      return [];
    }
  }

  private sliceRange(range: Range): string {
    return this.source.text.slice(this.source.offsetAt(range.start), this.source.offsetAt(range.end));
  }

  /**
   * A file without FROM is a stage still missing its FROM: its instructions belong to stage 0 (so
   * its ARGs are stage ARGs, seen in order, not global ones meant for a FROM line).
   */
  private joinImplicitStage(): void {
    for (const instruction of this.instructions) {
      instruction.stageIndex = 0;
      if (instruction.trigger) instruction.trigger.stageIndex = 0;
    }
  }

  // ---- variables ----------------------------------------------------------------------------

  private buildGlobalScope(): Map<string, VarDecl> {
    const scope = builtinScope();
    for (const instruction of this.instructions) {
      if (instruction.stageIndex >= 0 || instruction.keyword === 'FROM') break;
      if (instruction.keyword !== 'ARG') continue;
      for (const decl of this.declarations(instruction, 'ARG', scope, undefined)) {
        scope.set(decl.name, decl);
        this.globalArgs.push(decl);
      }
    }
    return scope;
  }

  /** The ARG/ENV declarations of one instruction, values expanded against `scope`. */
  private declarations(
    instruction: Instruction,
    kind: 'ARG' | 'ENV',
    scope: Scope,
    globals: Scope | undefined,
  ): VarDecl[] {
    const result: VarDecl[] = [];
    let properties: ast.Property[] = [];
    try {
      properties = (instruction.node as ast.Arg | ast.Env).getProperties();
    } catch {
      return result;
    }
    for (const property of properties) {
      try {
        const name = property.getName();
        const written = property.getValue();
        const valueRange = property.getValueRange();
        let value: string | null;
        if (written !== null) {
          value = expandVariables(written, scope, this.escapeChar).value;
        } else if (kind === 'ARG' && globals) {
          // `ARG NAME` inside a stage re-declares a global ARG with its default.
          value = globals.get(name)?.value ?? null;
          const global = globals.get(name);
          if (global && global.kind === 'ARG') {
            result.push({ ...global, nameRange: property.getNameRange(), line: instruction.startLine, value });
            continue;
          }
        } else {
          value = null;
        }
        result.push({
          name,
          kind,
          value,
          rawValue: written,
          nameRange: property.getNameRange(),
          valueRange: valueRange ?? undefined,
          line: instruction.startLine,
        });
      } catch {
        // skip a property dockerfile-ast cannot read
      }
    }
    return result;
  }

  /** ENV visible at the end of a stage (its own and its parents'); ARGs do not carry over. */
  private envAtEndOf(stage: Stage, depth = 0): Map<string, VarDecl> {
    const cached = this.envAtEnd.get(stage);
    if (cached) return cached;
    const env = new Map<string, VarDecl>();
    if (stage.parent && depth < 64) for (const [k, v] of this.envAtEndOf(stage.parent, depth + 1)) env.set(k, v);
    const scope = this.replay(stage, null, env);
    for (const [k, v] of scope) if (v.kind === 'ENV') env.set(k, v);
    this.envAtEnd.set(stage, env);
    return env;
  }

  /** Replays a stage's ARG/ENV up to (not including) `until`, starting from inherited ENV. */
  private replay(stage: Stage, until: Instruction | null, inherited: Map<string, VarDecl>): Map<string, VarDecl> {
    const scope = new Map<string, VarDecl>();
    for (const [k, v] of builtinScope()) scope.set(k, v);
    for (const [k, v] of inherited) scope.set(k, v);
    for (const instruction of stage.instructions) {
      if (instruction === until) break;
      if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
        const kind = instruction.keyword;
        for (const decl of this.declarations(instruction, kind, scope, this.globalScope)) {
          // An ENV of the same name wins over a later ARG (BuildKit: ENV takes precedence).
          const existing = scope.get(decl.name);
          if (kind === 'ARG' && existing && existing.kind === 'ENV') continue;
          scope.set(decl.name, decl);
        }
      }
    }
    return scope;
  }

  scopeAt(instruction: Instruction): Scope {
    if (instruction.stageIndex < 0 || instruction.keyword === 'FROM') return this.globalScope;
    const stage = this.stages[instruction.stageIndex];
    if (!stage) return this.globalScope;
    const inherited = stage.parent ? this.envAtEndOf(stage.parent) : new Map<string, VarDecl>();
    const target = instruction.inOnbuild ? this.onbuildOwner(stage, instruction) : instruction;
    return this.replay(stage, target, inherited);
  }

  private onbuildOwner(stage: Stage, trigger: Instruction): Instruction | null {
    return stage.instructions.find((i) => i.trigger === trigger) ?? null;
  }

  expand(text: string, instruction: Instruction): Expansion {
    return expandVariables(text, this.scopeAt(instruction), this.escapeChar);
  }

  // ---- stages -------------------------------------------------------------------------------

  private buildStages(fragment: boolean): void {
    let current: Stage | null = fragment ? this.implicitStage() : null;
    if (current) this.stages.push(current);
    for (const instruction of this.instructions) {
      if (instruction.keyword === 'FROM') {
        current = this.buildStage(instruction, this.stages.length);
        this.stages.push(current);
      } else if (current) {
        current.instructions.push(instruction);
        current.endLine = Math.max(current.endLine, instruction.endLine);
      }
    }
  }

  private buildStage(from: Instruction, index: number): Stage {
    const fromNode = from.node as ast.From;
    let text: string | null = null;
    let range: Range | null = null;
    let name: string | null = null;
    let nameRange: Range | null = null;
    try {
      range = fromNode.getImageRange();
      text = range ? this.sliceRange(range) : null;
    } catch {
      range = from.args[0]?.range ?? null;
      text = from.args[0]?.value ?? null;
    }
    // `FROM image AS name`: the alias is the argument after a case-insensitive `AS`.
    if (from.args.length >= 3 && from.args[1].value.toLowerCase() === 'as') {
      name = from.args[2].value;
      nameRange = from.args[2].range;
    }
    const platform = from.flags.find((f) => f.name.toLowerCase() === 'platform')?.value ?? null;
    const image = unresolvedImage(text, range);
    if (text !== null) {
      const expansion = expandVariables(text, this.globalScope, this.escapeChar);
      image.hasVariables = expansion.hasVariables;
      image.unresolved = expansion.unresolved;
      image.usedArgs = expansion.used.filter((d) => d.kind === 'ARG');
      image.resolved = expansion.value;
      if (expansion.value !== null && expansion.value !== '') {
        const lower = expansion.value.toLowerCase();
        image.stageRef = this.stages.find((s) => s.name !== null && s.name.toLowerCase() === lower) ?? null;
        image.isScratch = lower === 'scratch';
        image.ref = parseImageRef(expansion.value);
      } else if (expansion.value === '') {
        image.resolved = null;
      }
    }
    return {
      index,
      name,
      nameRange,
      from,
      image,
      platform,
      parent: image.stageRef,
      instructions: [],
      endLine: from.endLine,
      implicit: false,
    };
  }

  /** The stage of a file without FROM; see `Stage.implicit`. */
  private implicitStage(): Stage {
    const start = { line: 0, character: 0 };
    const empty: Range = { start, end: start };
    let node: ast.Instruction;
    try {
      node = parseTree('FROM').tree.getInstructions()[0];
    } catch {
      node = this.instructions[0].node;
    }
    const from: Instruction = {
      keyword: 'FROM',
      keywordText: '',
      keywordRange: empty,
      range: empty,
      startLine: 0,
      endLine: -1,
      argsRange: null,
      rawArgs: '',
      argsText: '',
      args: [],
      flags: [],
      execForm: null,
      heredocs: [],
      stageIndex: 0,
      trigger: null,
      inOnbuild: false,
      node,
    };
    const image = unresolvedImage(null, null);
    return { index: 0, name: null, nameRange: null, from, image, platform: null, parent: null, instructions: [], endLine: -1, implicit: true };
  }

  shippedStage(buildTarget?: string): Stage | undefined {
    if (buildTarget !== undefined && buildTarget !== null && buildTarget !== '') {
      return this.stageByName(buildTarget);
    }
    return this.stages[this.stages.length - 1];
  }

  shippedChain(buildTarget?: string): Stage[] {
    const stage = this.shippedStage(buildTarget);
    return stage ? this.chainOf(stage) : [];
  }

  chainOf(stage: Stage): Stage[] {
    const chain: Stage[] = [];
    let current: Stage | null = stage;
    // Parents are always earlier stages, so this terminates; the guard is belt and braces.
    while (current && !chain.includes(current)) {
      chain.unshift(current);
      current = current.parent;
    }
    return chain;
  }

  stageAt(line: number): Stage | undefined {
    let found: Stage | undefined;
    for (const stage of this.stages) {
      if (stage.from.startLine <= line) found = stage;
      else break;
    }
    return found;
  }

  stageByName(name: string): Stage | undefined {
    const lower = name.toLowerCase();
    return this.stages.find((s) => s.name !== null && s.name.toLowerCase() === lower);
  }

  // ---- effective configuration --------------------------------------------------------------

  effectiveUser(stage: Stage): EffectiveUser | undefined {
    const chain = this.chainOf(stage);
    for (let i = chain.length - 1; i >= 0; i--) {
      const current = chain[i];
      for (let j = current.instructions.length - 1; j >= 0; j--) {
        const instruction = current.instructions[j];
        if (instruction.keyword !== 'USER' || !instruction.argsRange || instruction.argsText.trim() === '') continue;
        const text = instruction.argsText.trim();
        const expansion = this.expand(text, instruction);
        const resolved = expansion.value;
        const [user, group] = splitUser(resolved);
        return {
          text,
          resolved,
          user,
          group,
          instruction,
          range: instruction.argsRange,
          stage: current,
          inherited: current !== stage,
          fromBaseImage: false,
          usedVars: expansion.used,
        };
      }
    }
    const base = this.baseImage(stage);
    if (base.defaultUser) {
      const [user, group] = splitUser(base.defaultUser);
      return {
        text: base.defaultUser,
        resolved: base.defaultUser,
        user,
        group,
        instruction: null,
        range: null,
        stage: chain[0] ?? stage,
        inherited: (chain[0] ?? stage) !== stage,
        fromBaseImage: true,
        usedVars: [],
      };
    }
    return undefined;
  }

  baseImage(stage: Stage): BaseImageInfo {
    const root = this.chainOf(stage)[0] ?? stage;
    if (root.image.isScratch) return scratchInfo();
    return classifyBaseImage(root.image.ref);
  }

  lastInChain(stage: Stage, keyword: string): { instruction: Instruction; stage: Stage } | undefined {
    const chain = this.chainOf(stage);
    for (let i = chain.length - 1; i >= 0; i--) {
      const instructions = chain[i].instructions;
      for (let j = instructions.length - 1; j >= 0; j--) {
        if (instructions[j].keyword === keyword) return { instruction: instructions[j], stage: chain[i] };
      }
    }
    return undefined;
  }

  effectiveShell(stage: Stage): string[] {
    const shell = this.lastInChain(stage, 'SHELL');
    const form = shell?.instruction.execForm;
    return form && form.length > 0 ? form : DEFAULT_SHELL;
  }
}

/** SourceText knows `\n` and `\r\n`; a file written with lone `\r` gets `\r` inserted too. */
function dominantEol(text: string, fallback: '\n' | '\r\n'): '\n' | '\r\n' | '\r' {
  let lone = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        other++;
        i++;
      } else lone++;
    } else if (ch === 10) other++;
  }
  return lone > other ? '\r' : fallback;
}

/** Splits `user[:group]`; both null when unresolved. */
export function splitUser(resolved: string | null): [string | null, string | null] {
  if (resolved === null) return [null, null];
  const colon = resolved.indexOf(':');
  return colon < 0 ? [resolved, null] : [resolved.slice(0, colon), resolved.slice(colon + 1)];
}

/**
 * Removes line continuations (escape char, optional blanks, line break) and the comment lines
 * BuildKit drops inside them, giving the arguments as the builder sees them.
 */
export function joinContinuations(raw: string, escapeChar: string): string {
  if (!raw.includes(escapeChar)) return raw;
  const lines = raw.split(/\r\n|\n|\r/);
  let out = '';
  let continuing = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (continuing && /^[ \t]*#/.test(line)) continue;
    if (continuing && line.trim() === '' && i < lines.length - 1) continue;
    const body = line.slice(0, endWithoutBlanks(line));
    if (body.endsWith(escapeChar) && !body.endsWith(escapeChar + escapeChar) && i < lines.length - 1) {
      line = body.slice(0, -1);
      out += line;
      continuing = true;
    } else {
      out += line + (i < lines.length - 1 ? '\n' : '');
      continuing = false;
    }
  }
  return out;
}

/** BuildKit's exec form: the arguments parse as a JSON array of strings. */
export function parseExecForm(argsText: string): string[] | null {
  const trimmed = argsText.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return null;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
  } catch {
    return null;
  }
  return null;
}
