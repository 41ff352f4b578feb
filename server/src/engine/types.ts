// Shared vocabulary of the analysis engine. Nothing here knows about the LSP connection:
// the server, the CLI and the tests all call the engine with plain text and get findings back.
import type { Range, TextEdit } from 'vscode-languageserver-types';

export type { Range, TextEdit };

export type FileKind = 'dockerfile' | 'compose';

/** Severity as users write it in settings and `.container-guard.yaml`. */
export type Severity = 'error' | 'warning' | 'info' | 'hint' | 'off';

export type Profile = 'baseline' | 'strict';

export interface RuleMeta {
  /** Catalogue id, e.g. `CG-D020`. */
  id: string;
  /** Short title, used in docs, SARIF and the rule list. */
  title: string;
  /** One or two sentences: what it detects and why it matters. */
  description: string;
  /** The file kind the rule reads; `any` for the engine's own checks of both kinds (CG-UNUSED-IGNORE). */
  kind: FileKind | 'any';
  /** Default severity (catalogue column "Sev"). */
  severity: Severity;
  /** Severity under the `strict` profile, when the catalogue gives one. */
  strictSeverity?: Severity;
  /** Equivalent ids in other tools (hadolint DL3002, CKV_DOCKER_8, KICS UUIDs, BuildKit names …). */
  equivalents: string[];
  /** Whether at least one offline fix exists for some findings. */
  fixable: boolean;
  /**
   * Set on the missing-hardening rules of a Compose service (catalogue §6.1): what is missing, as the
   * CG-C100 summary lists it. With `summarize` on, their absence findings become one CG-C100 per service.
   */
  measure?: ServiceMeasure;
}

/** One hardening measure of a Compose service, declared by the rule that reports its absence. */
export interface ServiceMeasure {
  /** What the summary says is missing: "no cap_drop ALL". Absent: folded into the summary, never listed. */
  label?: string;
  /** Position in the summary's list (the catalogue's order). */
  order: number;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe to apply without review; fix-all and `--fix` apply only these. */
  isPreferred: boolean;
  /**
   * Edits of other files of the project (`.dockerignore`, `.gitignore`) that belong to this fix. Only
   * editor quick fixes carry them out (a workspace edit); such a fix is never preferred.
   */
  otherFiles?: FileEdit[];
}

/** Edits of another file, by absolute path; `create` when the file does not exist yet. */
export interface FileEdit {
  path: string;
  create?: boolean;
  edits: TextEdit[];
}

/** LSP diagnostic tags a finding carries (`unnecessary`: the editor fades the range). */
export type FindingTag = 'unnecessary' | 'deprecated';

export interface RelatedInfo {
  /** Absent means the same document. */
  uri?: string;
  range: Range;
  message: string;
}

/** What a rule reports; the engine stamps the rule id. */
export interface RuleFinding {
  message: string;
  range: Range;
  /** Overrides the rule's default for tiered rules (e.g. Error for `/etc`, Warning for `/home`). */
  severity?: Severity;
  related?: RelatedInfo[];
  fixes: Fix[];
  /**
   * Set by absence findings of a measure rule (`meta.measure`): the name of the service that lacks the
   * measure. Only absence is summarized; a weak value that is written is reported on its own.
   */
  absentIn?: string;
  /** The Compose service a per-service summary (CG-C100) is about. */
  service?: string;
  /** A summary's members (CG-C100: the rule ids of the missing measures), carried in the diagnostic's `data`. */
  members?: string[];
  /** Diagnostic tags (CG-UNUSED-IGNORE: `unnecessary`). */
  tags?: FindingTag[];
}

/** A finding with the id of the rule that reported it. */
export interface Finding extends RuleFinding {
  ruleId: string;
}

/** What a rule may know besides the model of the file itself. */
export interface RuleContext {
  profile: Profile;
  /**
   * Whether routine findings are grouped (catalogue §6.1): package pinning reports one finding per
   * install command instead of one per package. Absent means off (every rule publishes on its own).
   */
  summarize?: boolean;
  /** Non-null when a Compose `build.target` names the stage that ships (Dockerfile rules). */
  buildTarget?: string;
  /** Registry allow-list from `.container-guard.yaml` / `.hadolint.yaml`; undefined when none is configured. */
  trustedRegistries?: string[];
  /** The analyzed file on disk (absolute), when it has one: rules that read files beside it start here. */
  filePath?: string;
  /**
   * Reads another file of the project (`.dockerignore`, `.gitignore`, an override file); the editor
   * supplies the texts of open documents. Undefined when the file does not exist or cannot be read.
   * Rules never touch the file system themselves.
   */
  readFile?: (path: string) => string | undefined;
  /** The names in a folder beside the file (undefined when it cannot be read); rules never list folders themselves. */
  listDir?: (dir: string) => string[] | undefined;
  /**
   * The git repository of the file, when the caller knows it (CG-C112): its root and the files git
   * tracks. Created by the caller (server, CLI) from the repository's index, read only; undefined for
   * a file outside a repository or when the caller does not supply it (rules then fall back to
   * `.gitignore` files found through `readFile`).
   */
  git?: GitCapability;
  /**
   * The Compose project the analyzed Compose file belongs to (override files, `extends`, `include:`,
   * `.env`), when the file has a path and `readFile` is given: see compose/project-files.ts.
   */
  composeProject?: import('./compose/project-files').ComposeProject;
}

/** What the engine may ask about a file's git repository (see `RuleContext.git`). All paths are absolute. */
export interface GitCapability {
  /** The repository's top folder: the one that holds `.git`. */
  root: string;
  /** Whether git tracks the file (it is in the index); undefined when that is not known. */
  isTracked(path: string): boolean | undefined;
}

export interface Rule<Model> {
  meta: RuleMeta;
  check(model: Model, context: RuleContext): RuleFinding[];
}

/**
 * A rule that is not run on the model: the engine hands it the findings of its members (one group per
 * Compose service, for CG-C100) and publishes the one finding it builds instead of theirs.
 */
export interface SummaryRule {
  meta: RuleMeta;
  summarize(group: string, members: Finding[], metaOf: (ruleId: string) => RuleMeta | undefined): RuleFinding;
}

/** A finding after severity configuration and suppression have been applied. */
export interface Diagnosed extends Finding {
  severity: Exclude<Severity, 'off'>;
  /** Where the docs of the rule live (`codeDescription.href`). */
  docsUrl: string;
}

/** Problems that are not rule findings: parse errors, limits, config errors. */
export interface SyntaxProblem {
  source: string;
  message: string;
  range: Range;
  severity: Exclude<Severity, 'off'>;
}

export interface AnalysisResult {
  kind: FileKind;
  findings: Diagnosed[];
  problems: SyntaxProblem[];
}

/** What every parsed file model offers the generic engine (suppression comments, ignore actions). */
export interface ModelBase {
  source: import('./text').SourceText;
  /** Parse and syntax problems found while building the model (published with their own source). */
  problems: SyntaxProblem[];
  /**
   * First line of the statement (Dockerfile instruction, YAML entry) that contains `line`.
   * An inline ignore comment sits on the line(s) directly above it.
   */
  statementStart(line: number): number;
  /** Line before which a file-wide ignore comment is inserted (after Dockerfile parser directives). */
  fileCommentLine: number;
}
