// The one per-file entry point (DESIGN "Layout"): a file's path and text → the settings that apply to
// it (editor settings + project config), config problems, the Compose build target of a Dockerfile,
// whether `ignorePaths` excludes it, and its analysis. The CLI, the language server and the wizard
// all reach the engine through here, so they cannot drift apart.
import * as path from 'node:path';
import { buildTargetFor, readFileText } from './compose-links';
import { disk, type DiskReader } from './fs-cache';
import { resolveConfig, withFileConfig, isIgnoredPath, type ResolvedConfig } from './config-files';
import { YAML_PROBLEM_SOURCE } from './compose/model';
import { SYNTAX_SOURCE } from './dockerfile/syntax';
import { analyze, docsUrl, foreignIdIndex, type Analysis, type AnalyzeOptions } from './engine';
import { kindFromFileName } from './file-kind';
import type { EngineSettings } from './settings';
import type { Diagnosed, FileKind, GitCapability, SyntaxProblem } from './types';

export interface FileInput {
  /** The file on disk; undefined for a document that has none (an untitled editor). */
  path: string | undefined;
  /** The file's kind; by default from its name (the editor's language id or the CLI's `--kind` decide otherwise). */
  kind?: FileKind;
  /** Editor settings (VS Code `containerGuard.*`), or the defaults in the CLI. */
  settings: EngineSettings;
  /** The workspace folder (editor) or the working folder (CLI): where the upward searches stop without `.git`. */
  root?: string;
  /** Reads another file (Compose files that build a Dockerfile); the editor supplies unsaved texts. */
  readText?: (file: string) => string | undefined;
  /** A `.container-guard.yaml` to use instead of the nearest one (the CLI's `--config`). */
  configPath?: string;
  /** The file's git repository with its index, when the caller loaded it (git-index.ts; CG-C112). */
  git?: GitCapability;
  /** How the disk is read: the CLI passes a reader that remembers for one run (fs-cache.ts). */
  disk?: DiskReader;
}

/** A config file that could not be used: its path and its one problem (defaults were used instead). */
export type ConfigProblem = ResolvedConfig['problems'][number];

/** What applies to one file whatever its text: computed once, reused for every version of the text. */
export interface FileContext {
  kind: FileKind;
  /** The file on disk (absolute); undefined for a document that has none. */
  filePath?: string;
  /** Editor settings with the project config applied. */
  settings: EngineSettings;
  configProblems: ConfigProblem[];
  /** For a Dockerfile: the stage a Compose file builds (`build.target`), when one is named. */
  buildTarget?: string;
  /** Excluded by the config's `ignorePaths`: callers publish nothing for it. */
  ignored: boolean;
  /**
   * Analyzes a text of this file (a changed version too) with these settings and build target;
   * `overrides` change settings for this call only (the wizard analyzes with `summarize: false`);
   * `previous` is the analysis of the version before, while the file is typed (see AnalyzeOptions).
   */
  analyze(text: string, overrides?: Partial<EngineSettings>, options?: Pick<AnalyzeOptions, 'validate' | 'previous' | 'fixesWhenRead'>): Analysis;
}

export interface FileAnalysis extends FileContext {
  analysis: Analysis;
}

/**
 * The context of a file, without analyzing it. Undefined when the kind is neither given nor known
 * from the file name.
 */
export function fileContext(input: FileInput): FileContext | undefined {
  const kind = input.kind ?? (input.path === undefined ? undefined : kindFromFileName(input.path));
  if (!kind) return undefined;
  if (input.path === undefined) {
    return {
      kind,
      settings: input.settings,
      configProblems: [],
      ignored: false,
      analyze: (text, overrides, options) => analyze(text, { kind, settings: { ...input.settings, ...overrides }, ...options }),
    };
  }
  const file = path.resolve(input.path);
  const reader = input.disk ?? disk;
  const readFile = input.readText ?? ((other: string) => readFileText(other, reader));
  const listDir = (dir: string) => reader.list(dir);
  const resolved = resolveConfig(file, foreignIdIndex, input.root, input.configPath, reader);
  const settings = withFileConfig(input.settings, resolved.config);
  const buildTarget = kind === 'dockerfile' ? buildTargetFor(file, resolved.stopDir, readFile, reader) : undefined;
  return {
    kind,
    filePath: file,
    settings,
    configProblems: resolved.problems,
    buildTarget,
    ignored: isIgnoredPath(file, resolved),
    analyze: (text, overrides, options) =>
      analyze(text, { kind, settings: { ...settings, ...overrides }, buildTarget, filePath: file, readFile, listDir, git: input.git, ...options }),
  };
}

/** The context of a file and the analysis of `text`. Undefined when the kind is unknown (see `fileContext`). */
export function analyzeFile(input: FileInput & { text: string }): FileAnalysis | undefined {
  const context = fileContext(input);
  return context && { ...context, analysis: context.analyze(input.text) };
}

/** The code of a finding that says a file does not parse (CLI; DESIGN "CLI"). */
export const syntaxCode = 'CG-SYNTAX';

/** Parser errors: YAML errors of a Compose file, errors of dockerfile-language-service's validator. */
function isParseError(problem: SyntaxProblem): boolean {
  return problem.severity === 'error' && (problem.source === YAML_PROBLEM_SOURCE || problem.source === SYNTAX_SOURCE);
}

function syntaxFinding(problem: Pick<SyntaxProblem, 'message' | 'range' | 'severity'>): Diagnosed {
  return { ruleId: syntaxCode, severity: problem.severity, message: problem.message, range: problem.range, fixes: [], docsUrl: docsUrl(syntaxCode) };
}

/**
 * A file that does not parse is a finding, not silence: each parser error of the analysis as a
 * `CG-SYNTAX` finding with the parser's message, range and severity, so CI never passes a broken
 * file as clean.
 */
export function syntaxFindings(analysis: Analysis): Diagnosed[] {
  return analysis.problems.filter(isParseError).map(syntaxFinding);
}

/** The one finding of a recognised file whose content is binary (it is not analyzed). */
export function binaryContentFinding(): Diagnosed {
  const start = { line: 0, character: 0 };
  return syntaxFinding({ severity: 'error', message: 'Binary content: the file has NUL bytes or is not valid UTF-8, so it was not analyzed.', range: { start, end: start } });
}

/** The text of a file's bytes; undefined when they are binary (a NUL byte, or not valid UTF-8). */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    // `fatal` rejects invalid UTF-8 instead of replacing it; the BOM is kept, as the editor keeps it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
