// The generic engine: parse once → run every rule of the file's kind → apply configuration and
// suppressions → findings with fixes. Rules never see settings; the engine never knows a rule.
import { parseCompose, type ComposeModel } from './compose/model';
import { Derived, parseDockerfile, type DockerfileModel } from './dockerfile/model';
import { defaultSettings, summarizes, type EngineSettings } from './settings';
import { buildForeignIdIndex, composeServiceBlocks, isSuppressed, parseSuppressions, type Suppressions } from './suppression';
import { unusedIgnoreMeta, unusedSuppressions } from './unused-suppressions';
import type { AnalysisResult, Diagnosed, FileKind, Finding, GitCapability, ModelBase, Rule, RuleContext, RuleMeta, Severity, SyntaxProblem } from './types';
import { SourceText } from './text';
import { copyFinding } from './lazy-fixes';
import { dockerfileRules } from '../rules/dockerfile/index';
import { composeRules, serviceSummary } from '../rules/compose/index';
import { isOverrideFragment } from './compose/absence';
import type { VariableLookup } from './compose/interpolate';
import { ComposeProject } from './compose/project-files';
import { ABSENCE_RULE_IDS, withProjectAbsence, type ProjectHooks } from './compose/project-findings';

export const docsBaseUrl = 'https://github.com/container-guard/container-guard/blob/main/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${docsBaseUrl}${ruleId}.md`;
}

export const allRules: RuleMeta[] = uniqueMetas([...dockerfileRules, ...composeRules, serviceSummary].map((rule) => rule.meta).concat(unusedIgnoreMeta));
const rulesById = new Map<string, RuleMeta>(allRules.map((meta) => [meta.id, meta]));
/** Other tools' rule ids (DL3002, CKV_DOCKER_8, …) → ours, for pragmas and `.hadolint.yaml`. */
export const foreignIdIndex = buildForeignIdIndex(allRules);

/** One metadata entry per id: CG-D032 reads both file kinds (one module each), so its entry says `any` (fixable in either). */
function uniqueMetas(metas: RuleMeta[]): RuleMeta[] {
  const byId = new Map<string, RuleMeta>();
  for (const meta of metas) {
    const seen = byId.get(meta.id);
    byId.set(meta.id, seen ? { ...seen, kind: seen.kind === meta.kind ? seen.kind : 'any', fixable: seen.fixable || meta.fixable } : meta);
  }
  return [...byId.values()];
}

export function ruleMeta(ruleId: string): RuleMeta | undefined {
  return rulesById.get(ruleId);
}

export interface AnalyzeOptions {
  kind: FileKind;
  settings?: EngineSettings;
  /** The Compose `build.target` that ships, when known. */
  buildTarget?: string;
  /** The file on disk, when there is one, and how to read the files beside it (see RuleContext). */
  filePath?: string;
  readFile?: (path: string) => string | undefined;
  listDir?: (dir: string) => string[] | undefined;
  /**
   * Run the Dockerfile syntax validator (default true). Fix rounds turn it off: the validator's problems
   * were published for the text the user sees, and the rounds only need the findings.
   */
  validate?: boolean;
  /** The file's git repository, when the caller loaded its index (see RuleContext.git, git-index.ts). */
  git?: GitCapability;
  /**
   * Set when a Compose file is analyzed as a member of another file's project (for CG-C110): read alone,
   * with that project's variables, without loading a project of its own.
   */
  projectMember?: { variables: VariableLookup };
  /**
   * The analysis of the previous version of the same file, while it is typed: what the edit did not
   * touch is reused (a Compose file's YAML tree, see compose/reparse.ts; a Dockerfile's unchanged
   * instructions with their syntax problems and RUN commands, see dockerfile/ast.ts and shell.ts). The
   * previous analysis is out of date afterwards.
   */
  previous?: Analysis;
  /**
   * Build the fixes that insert a missing measure into a Compose service when they are read, not during
   * the analysis (lazy-fixes.ts): for a document being edited, whose fixes are read only by a code action.
   */
  fixesWhenRead?: boolean;
}

/** A parsed file together with its analysis, so code actions can reuse the model. */
export interface Analysis extends AnalysisResult {
  model: ModelBase;
}

/** Severity of a finding after the profile, per-rule settings and tiered defaults. */
export function effectiveSeverity(meta: RuleMeta, finding: Finding, settings: EngineSettings): Severity {
  const configured = settings.rules[meta.id];
  if (configured) return configured;
  if (finding.severity) return finding.severity;
  if (settings.profile === 'strict' && meta.strictSeverity) return meta.strictSeverity;
  return meta.severity;
}

/** In document order; a stable sort keeps a rule's own order for findings at one position. */
function byPosition(a: { range: Finding['range'] }, b: { range: Finding['range'] }): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** Runs one rule, stamps its id on what it reports and sorts it (rules do neither themselves). */
export function runRule<M extends ModelBase>(rule: Rule<M>, model: M, context: RuleContext): Finding[] {
  const found = rule.check(model, context);
  // Most rules find nothing in most files: no copying or sorting then (this runs ~100 times per file).
  if (found.length === 0) return [];
  return found.map((finding) => copyFinding(finding, { ruleId: rule.meta.id })).sort(byPosition);
}

/** Whether a rule is on with these settings (off by default or by configuration: not run at all). */
function isOn(meta: RuleMeta, settings: EngineSettings): boolean {
  return (settings.rules[meta.id] ?? meta.severity) !== 'off';
}

function runRules<M extends ModelBase>(rules: Rule<M>[], model: M, context: RuleContext, settings: EngineSettings, problems: SyntaxProblem[]): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (!isOn(rule.meta, settings)) continue;
    try {
      findings.push(...runRule(rule, model, context));
    } catch (error) {
      // One broken rule must not take the others down; say so where the user looks.
      problems.push({
        source: 'container-guard',
        severity: 'info',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `Rule ${rule.meta.id} could not check this file (${error instanceof Error ? error.message : String(error)}).`,
      });
    }
  }
  return findings;
}

function oversized(kind: FileKind, text: string, settings: EngineSettings): Analysis {
  const source = new SourceText(text.slice(0, 0));
  const model: ModelBase = { source, problems: [], statementStart: (line) => line, fileCommentLine: 0 };
  return {
    kind,
    model,
    findings: [],
    problems: [
      {
        source: 'container-guard',
        severity: 'info',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `This file is ${Math.round(text.length / 1024)} KB, over the ${Math.round(settings.maxFileSize / 1024)} KB analysis limit: Container Guard skipped its security checks to keep the editor responsive.`,
      },
    ],
  };
}

const rank: Record<Severity, number> = { off: 0, hint: 1, info: 2, warning: 3, error: 4 };

/**
 * Absence findings of a partial override fragment are dropped in every mode (catalogue §6.1): the block
 * only adds to a service defined elsewhere.
 */
function withoutFragmentAbsence(findings: Finding[], model: ComposeModel, suppressions: Suppressions): Finding[] {
  const fragments = new Set(model.services.filter(isOverrideFragment).map((service) => service.name));
  if (fragments.size === 0) return findings;
  const kept = (finding: Finding) => finding.absentIn === undefined || !fragments.has(finding.absentIn);
  // An ignore comment above the fragment names what the merged project would report: it is not unused.
  for (const finding of findings) if (!kept(finding)) isSuppressed(finding, model, suppressions);
  return findings.filter(kept);
}

/**
 * `summarize` on (catalogue §6.1): the absence findings of the measure rules become one CG-C100 per
 * service. A member leaves the list when it is off or suppressed (above the service key, or file-wide);
 * a member with an explicit severity in `rules:` publishes on its own. The summary is published when at
 * least one member would publish at Info or above.
 */
function summarizeServices(findings: Finding[], model: ComposeModel, settings: EngineSettings, suppressions: Suppressions): Finding[] {
  const kept: Finding[] = [];
  // An ignore comment above the key of any definition of the service (several YAML documents) counts.
  const keysOf = new Map(model.services.map((service) => [service.name, service.definitions.map((definition) => definition.keyRange)]));
  // Every comment that names the member is checked (not only the first), so each counts as used.
  const suppressed = (finding: Finding) =>
    [finding.range, ...(keysOf.get(finding.absentIn!) ?? [])].map((range) => isSuppressed({ ruleId: finding.ruleId, range }, model, suppressions)).includes(true);
  const byService = new Map<string, Finding[]>();
  for (const finding of findings) {
    const meta = rulesById.get(finding.ruleId);
    // Rules that are off were not run; an explicit severity (`rules:`) publishes on its own.
    if (finding.absentIn === undefined || !meta?.measure || settings.rules[meta.id]) {
      kept.push(finding);
      continue;
    }
    if (suppressed(finding)) continue;
    const members = byService.get(finding.absentIn) ?? [];
    members.push(finding);
    byService.set(finding.absentIn, members);
  }
  for (const [service, members] of byService) {
    const publishes = members.some((member) => rank[effectiveSeverity(rulesById.get(member.ruleId)!, member, settings)] >= rank.info);
    if (publishes) kept.push(copyFinding(serviceSummary.summarize(service, members, ruleMeta), { ruleId: serviceSummary.meta.id }));
  }
  return kept;
}

/**
 * Whether a rule runs on a file of this kind with these settings, so an ignore comment naming it could
 * suppress something: not off, of this kind, and for CG-C100 only with `summarize` on.
 */
function ruleRunsOn(ruleId: string, kind: FileKind, settings: EngineSettings, summarize: boolean): boolean {
  const meta = rulesById.get(ruleId);
  if (!meta || (meta.kind !== kind && meta.kind !== 'any')) return false;
  return (meta.id !== serviceSummary.meta.id || summarize) && isOn(meta, settings);
}

/**
 * The Compose project of the analyzed file (compose/project-files.ts): its override files, `extends`,
 * `include:` and `.env`, read through `readFile`. None without a path, and none for a file analyzed as
 * a member of another project (CG-C110 reads the members' own findings through `analyzeMember`).
 */
function composeProjectOf(text: string, options: AnalyzeOptions, settings: EngineSettings): ComposeProject | undefined {
  const { filePath, readFile } = options;
  if (!filePath || !readFile || options.projectMember) return undefined;
  return new ComposeProject(filePath, text, readFile, {
    analyzeMember: (file, memberText, variables) => analyze(memberText, { kind: 'compose', settings, filePath: file, readFile, listDir: options.listDir, git: options.git, projectMember: { variables } }).findings,
    previous: previousCompose(options),
    fixesWhenRead: options.fixesWhenRead,
  });
}

/** What the merged-project step needs from the engine: the absence rules, and suppression in every project file. */
function projectHooks(compose: ComposeModel, context: RuleContext, settings: EngineSettings, suppressions: Suppressions): ProjectHooks {
  const absenceRules = composeRules.filter((rule) => ABSENCE_RULE_IDS.has(rule.meta.id));
  const parsed = new Map<ComposeModel, Suppressions>();
  const suppressionsOf = (model: ComposeModel) => {
    let found = parsed.get(model);
    if (!found) parsed.set(model, (found = parseSuppressions(model, foreignIdIndex, composeServiceBlocks(model))));
    return found;
  };
  return {
    runAbsence: (merged) => runRules(absenceRules, merged, context, settings, []),
    suppressedIn: (file, finding, keyRange) => isSuppressed({ ruleId: finding.ruleId, range: keyRange }, file.model, suppressionsOf(file.model)),
    dropped: (finding) => void isSuppressed(finding, compose, suppressions),
  };
}

/**
 * The previous version's model of this kind, when it was parsed here: an analysis from the worker
 * thread carries only the few facts the server needs (`parsedHere` tells them apart).
 */
function previousModel<M extends ModelBase>(options: AnalyzeOptions, kind: FileKind, parsedHere: (model: Partial<M>) => boolean): M | undefined {
  const model = options.previous?.kind === kind ? (options.previous.model as Partial<M>) : undefined;
  return model && parsedHere(model) ? (model as M) : undefined;
}

const previousCompose = (options: AnalyzeOptions) => previousModel<ComposeModel>(options, 'compose', (model) => typeof model.takeParse === 'function');
const previousDockerfile = (options: AnalyzeOptions) => previousModel<DockerfileModel>(options, 'dockerfile', (model) => model.derived instanceof Derived);

/** Analyzes one file's text. Never throws: parse failures become problems. */
export function analyze(text: string, options: AnalyzeOptions): Analysis {
  const settings = options.settings ?? defaultSettings;
  if (text.length > settings.maxFileSize) return oversized(options.kind, text, settings);
  const context: RuleContext = {
    profile: settings.profile,
    summarize: summarizes(settings),
    buildTarget: options.buildTarget,
    trustedRegistries: settings.trustedRegistries,
    filePath: options.filePath,
    readFile: options.readFile,
    listDir: options.listDir,
    git: options.git,
  };
  let model: ModelBase;
  let findings: Finding[];
  let suppressions: Suppressions;
  const problems: SyntaxProblem[] = [];
  if (options.kind === 'dockerfile') {
    const dockerfile: DockerfileModel = parseDockerfile(text, { validate: options.validate, previous: previousDockerfile(options) });
    findings = runRules(dockerfileRules, dockerfile, context, settings, problems);
    dockerfile.derived.settle();
    model = dockerfile;
    suppressions = parseSuppressions(model, foreignIdIndex);
  } else {
    const project = composeProjectOf(text, options, settings);
    const compose: ComposeModel = project?.self.model ?? parseCompose(text, { variables: options.projectMember?.variables, previous: previousCompose(options), fixesWhenRead: options.fixesWhenRead });
    context.composeProject = project;
    suppressions = parseSuppressions(compose, foreignIdIndex, composeServiceBlocks(compose));
    findings = withoutFragmentAbsence(runRules(composeRules, compose, context, settings, problems), compose, suppressions);
    if (project) {
      // Absence rules are decided on the merged project (catalogue §4.9); missing files, cycles and limits are problems.
      findings = withProjectAbsence(findings, compose, project, projectHooks(compose, context, settings, suppressions));
      problems.push(...project.problems);
    }
    model = compose;
  }
  problems.unshift(...model.problems);

  if (options.kind === 'compose' && context.summarize) findings = summarizeServices(findings, model as ComposeModel, settings, suppressions);
  const diagnosed: Diagnosed[] = [];
  const publish = (finding: Finding) => {
    const meta = rulesById.get(finding.ruleId);
    if (!meta) return;
    const severity = effectiveSeverity(meta, finding, settings);
    if (severity === 'off' || isSuppressed(finding, model, suppressions)) return;
    diagnosed.push(copyFinding(finding, { severity, docsUrl: docsUrl(meta.id) }));
  };
  findings.forEach(publish);
  // Last: only now has every finding had the chance to use a comment.
  const runs = (ruleId: string) => ruleRunsOn(ruleId, options.kind, settings, context.summarize === true);
  for (const unused of unusedSuppressions(model, suppressions, runs)) publish({ ...unused, ruleId: unusedIgnoreMeta.id });
  diagnosed.sort(byPosition);
  return { kind: options.kind, model, findings: diagnosed, problems };
}
