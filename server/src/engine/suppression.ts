// Suppression comments: ours, and other tools' pragmas mapped through the rules' equivalent ids.
//   # container-guard ignore=CG-D021,CG-D030 -- reason      (the statement below)
//   # container-guard global ignore=CG-D074                 (the whole file)
//   # hadolint ignore=DL3002 / # hadolint global ignore=…, BuildKit # check=skip=…,
//   # kics-scan ignore-line / disable=<uuid> / ignore, #checkov:skip=CKV_DOCKER_3
// In a Compose file, our own comment above a service key covers the service's whole block. The
// Suppressions object of one analysis records which of our own comments suppressed something, so the
// engine can point out the ones that suppress nothing (CG-UNUSED-IGNORE, unused-suppressions.ts).
import type { ComposeModel } from './compose/model';
import type { Finding, Fix, ModelBase, RuleMeta } from './types';

/** `all` suppresses every rule. */
type RuleSet = Set<string> | 'all';

/** One id of our own ignore comment, with where it is written on the comment's line. */
export interface OwnId {
  id: string;
  start: number;
  end: number;
}

/** One of our own comments: `# container-guard [global] ignore=A,B -- reason`. */
export interface OwnComment {
  line: number;
  global: boolean;
  ids: OwnId[];
}

/** The lines of a Compose service's definition: its key line and the last line of its mapping. */
export interface ServiceBlock {
  keyLine: number;
  lastLine: number;
}

export interface Suppressions {
  file: RuleSet;
  /** Keyed by the line of the comment. */
  byCommentLine: Map<number, RuleSet>;
  /** Our own comments, in file order. */
  own: OwnComment[];
  /** Compose service blocks (empty for a Dockerfile): our comment above the key covers the block. */
  blocks: ServiceBlock[];
  /** `<line>:<rule id>` of our own comments that suppressed a finding (filled by `isSuppressed`). */
  used: Set<string>;
}

const ours = /^#\s*container-guard\s+(global\s+)?ignore\s*=\s*(.*)$/i;
const hadolint = /^#\s*hadolint\s+(global\s+)?ignore\s*=\s*(\S+)/i;
const buildkitCheck = /^#\s*check\s*=\s*(.*)$/i;
const kics = /^#\s*kics-scan\s+(ignore-line|ignore|disable\s*=\s*(\S+))\s*$/i;
const checkov = /^#\s*checkov:skip\s*=\s*([A-Za-z0-9_]+)/i;

/** The blocks of a Compose file's service definitions: key line to the last line of the value. */
export function composeServiceBlocks(model: ComposeModel): ServiceBlock[] {
  const blocks: ServiceBlock[] = [];
  for (const service of model.services) {
    for (const definition of service.definitions) {
      const value = definition.entry.rawValue;
      const keyLine = definition.keyRange.start.line;
      blocks.push({ keyLine, lastLine: value ? Math.max(keyLine, model.rangeOf(value).end.line) : keyLine });
    }
  }
  return blocks;
}

/** Maps another tool's id (`DL3002`, `CKV_DOCKER_8`, a KICS UUID, `JSONArgsRecommended`) to our rule ids. */
export function buildForeignIdIndex(rules: RuleMeta[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const rule of rules) {
    for (const equivalent of rule.equivalents) {
      const token = equivalent.trim().split(/\s+/).pop()?.toUpperCase();
      if (!token) continue;
      const ids = index.get(token) ?? [];
      if (!ids.includes(rule.id)) ids.push(rule.id);
      index.set(token, ids);
    }
  }
  return index;
}

function add(target: RuleSet, ids: Iterable<string>): RuleSet {
  if (target === 'all') return target;
  for (const id of ids) target.add(id);
  return target;
}

function ourIds(list: string): string[] {
  return list
    .split(/\s+--/)[0]
    .split(',')
    .map((id) => id.trim().toUpperCase())
    .filter((id) => id.length > 0);
}

/** The ids of our comment with their columns: `listAt` is where the list starts on the (untrimmed) line. */
function ourIdsAt(line: string, listAt: number): OwnId[] {
  const list = line.slice(listAt).split(/\s+--/)[0];
  const ids: OwnId[] = [];
  let offset = listAt;
  for (const part of list.split(',')) {
    const lead = part.length - part.trimStart().length;
    const id = part.trim();
    if (id.length > 0) ids.push({ id: id.toUpperCase(), start: offset + lead, end: offset + lead + id.length });
    offset += part.length + 1;
  }
  return ids;
}

function foreignIds(list: string, index: Map<string, string[]>): string[] {
  return list
    .split(',')
    .flatMap((id) => index.get(id.trim().toUpperCase()) ?? []);
}

/** The rules a BuildKit `check=` value skips (`skip=all` → all), null when it skips none. */
function buildkitSkip(value: string, index: Map<string, string[]>): RuleSet | null {
  const skip = /(?:^|;)\s*skip\s*=\s*([^;]*)/i.exec(value);
  if (!skip) return null;
  return skip[1].trim().toLowerCase() === 'all' ? 'all' : new Set(foreignIds(skip[1], index));
}

export function parseSuppressions(model: ModelBase, foreignIndex: Map<string, string[]>, blocks: ServiceBlock[] = []): Suppressions {
  const { source } = model;
  let file: RuleSet = new Set();
  const byCommentLine = new Map<number, RuleSet>();
  const own: OwnComment[] = [];
  let inLeadingComments = true;
  for (let line = 0; line < source.lineCount; line++) {
    const text = source.lineText(line).replace(/^\uFEFF/, '').trim();
    if (!text.startsWith('#')) {
      if (text.length > 0) inLeadingComments = false;
      continue;
    }
    let match: RegExpExecArray | null;
    if ((match = ours.exec(text))) {
      const ids = ourIds(match[2]);
      const written = source.lineText(line);
      own.push({ line, global: Boolean(match[1]), ids: ourIdsAt(written, written.length - match[2].length - (written.length - written.trimEnd().length)) });
      if (match[1]) file = add(file, ids);
      else byCommentLine.set(line, new Set(ids));
    } else if ((match = hadolint.exec(text))) {
      const ids = foreignIds(match[2], foreignIndex);
      if (match[1]) file = add(file, ids);
      else byCommentLine.set(line, new Set(ids));
    } else if ((match = buildkitCheck.exec(text))) {
      // BuildKit's `# check=skip=A,B[;error=true]`: at the top of the file a parser directive for
      // the whole file; in the comments directly above an instruction, for that instruction only.
      const skip = buildkitSkip(match[1], foreignIndex);
      if (skip && inLeadingComments) file = skip === 'all' ? 'all' : add(file, skip);
      else if (skip) byCommentLine.set(line, skip);
    } else if ((match = kics.exec(text))) {
      const verb = match[1].toLowerCase();
      if (verb === 'ignore-line') byCommentLine.set(line, 'all');
      else if (verb === 'ignore') file = 'all';
      else file = add(file, foreignIds(match[2] ?? '', foreignIndex));
    } else if ((match = checkov.exec(text))) {
      // Checkov's Dockerfile checks judge the file as one resource, so its skip comment is file-wide.
      file = add(file, foreignIds(match[1], foreignIndex));
    }
  }
  return { file, byCommentLine, own, blocks, used: new Set() };
}

function has(set: RuleSet | undefined, ruleId: string): boolean {
  return set === 'all' || (set !== undefined && set.has(ruleId));
}

/**
 * Whether a finding is suppressed file-wide, by a comment directly above its statement, or (Compose) by
 * our own comment above the key of the service whose block holds it. Every one of our own comments that
 * names the finding's rule there is recorded as used, so one that suppresses nothing can be pointed out.
 */
export function isSuppressed(finding: Pick<Finding, 'ruleId' | 'range'>, model: ModelBase, suppressions: Suppressions): boolean {
  const id = finding.ruleId;
  let suppressed = false;
  if (has(suppressions.file, id)) {
    suppressed = true;
    for (const comment of suppressions.own) if (comment.global && comment.ids.some((written) => written.id === id)) markUsed(suppressions, comment.line, id);
  }
  if (suppressions.byCommentLine.size === 0) return suppressed;
  const line = finding.range.start.line;
  if (commentsAbove(model, suppressions, model.statementStart(line), id, false)) suppressed = true;
  for (const block of suppressions.blocks) {
    if (line > block.keyLine && line <= block.lastLine && commentsAbove(model, suppressions, block.keyLine, id, true)) suppressed = true;
  }
  return suppressed;
}

/** Whether the comment lines directly above `statement` suppress `id` (only our own when `ownOnly`); marks ours used. */
function commentsAbove(model: ModelBase, suppressions: Suppressions, statement: number, id: string, ownOnly: boolean): boolean {
  let found = false;
  for (let line = statement - 1; line >= 0; line--) {
    const text = model.source.lineText(line).trim();
    if (!text.startsWith('#')) break;
    const own = suppressions.own.some((comment) => comment.line === line && !comment.global);
    if ((ownOnly && !own) || !has(suppressions.byCommentLine.get(line), id)) continue;
    found = true;
    if (own) markUsed(suppressions, line, id);
  }
  return found;
}

function markUsed(suppressions: Suppressions, line: number, id: string): void {
  suppressions.used.add(`${line}:${id}`);
}

/** Whether our own comment on `line` suppressed a finding of `id` (see `isSuppressed`). */
export function wasUsed(suppressions: Suppressions, line: number, id: string): boolean {
  return suppressions.used.has(`${line}:${id}`);
}

/** "Ignore CG-xxxx for this line": a comment above the statement, or the id appended to ours there. */
export function ignoreLineFix(model: ModelBase, finding: Finding): Fix {
  const { source } = model;
  const statement = model.statementStart(finding.range.start.line);
  const above = statement - 1;
  const title = `Ignore ${finding.ruleId} for this line`;
  const existing = above >= 0 ? /^(\s*#\s*container-guard\s+ignore\s*=\s*[^\s-][^\s]*?)(\s+--.*)?$/i.exec(source.lineText(above)) : null;
  if (existing) {
    const end = { line: above, character: existing[1].length };
    return { title, isPreferred: false, edits: [{ range: { start: end, end }, newText: `,${finding.ruleId}` }] };
  }
  const indent = source.indentOf(statement);
  const start = { line: statement, character: 0 };
  return {
    title,
    isPreferred: false,
    edits: [{ range: { start, end: start }, newText: `${indent}# container-guard ignore=${finding.ruleId}${source.eol}` }],
  };
}

/** "Ignore CG-xxxx in this file": a global comment at the top (after Dockerfile parser directives). */
export function ignoreFileFix(model: ModelBase, ruleId: string): Fix {
  const { source } = model;
  let line = model.fileCommentLine;
  let character = 0;
  if (line >= source.lineCount) {
    // Past the last line: append on a new line.
    line = source.lineCount - 1;
    character = source.lineText(line).length;
    const at = { line, character };
    return {
      title: `Ignore ${ruleId} in this file`,
      isPreferred: false,
      edits: [{ range: { start: at, end: at }, newText: `${source.eol}# container-guard global ignore=${ruleId}${source.eol}` }],
    };
  }
  if (line === 0 && source.text.startsWith('\uFEFF')) character = 1;
  const at = { line, character };
  return {
    title: `Ignore ${ruleId} in this file`,
    isPreferred: false,
    edits: [{ range: { start: at, end: at }, newText: `# container-guard global ignore=${ruleId}${source.eol}` }],
  };
}
