// CG-UNUSED-IGNORE (catalogue §6.3): one of our own ignore comments (`# container-guard ignore=…`,
// also `global`) names a rule that is switched on, yet suppressed nothing of it (no finding, and no
// CG-C100 summary member). A Hint with the Unnecessary tag (the editor fades it) and a quick fix that
// removes the comment, or only the unused id from its list. Foreign pragmas (hadolint, KICS …) are
// never reported: other tools read them too.
import type { ModelBase, RuleFinding, RuleMeta } from './types';
import { wasUsed, type OwnComment, type OwnId, type Suppressions } from './suppression';
import type { TextEdit } from 'vscode-languageserver-types';

export const UNUSED_IGNORE_ID = 'CG-UNUSED-IGNORE';

export const unusedIgnoreMeta: RuleMeta = {
  id: UNUSED_IGNORE_ID,
  title: 'Ignore comment suppresses nothing',
  description:
    'A `# container-guard ignore=…` comment names a rule that reports nothing where the comment applies. It hides nothing today and would silently hide a new finding later; remove it.',
  kind: 'any',
  severity: 'hint',
  equivalents: [],
  fixable: true,
};

/**
 * The unused ids of our own comments, after every finding went through `isSuppressed`. `reportable`
 * says whether an id names a rule that runs on this file with the current settings.
 */
export function unusedSuppressions(model: ModelBase, suppressions: Suppressions, reportable: (ruleId: string) => boolean): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const comment of suppressions.own) {
    const unused = comment.ids.filter((written) => written.id !== UNUSED_IGNORE_ID && reportable(written.id) && !wasUsed(suppressions, comment.line, written.id));
    if (unused.length === 0) continue;
    const scope = comment.global ? 'in this file' : 'where this comment applies';
    if (unused.length === comment.ids.length) {
      const lineText = model.source.lineText(comment.line);
      const start = lineText.length - lineText.trimStart().length;
      const names = unused.map((written) => written.id).join(', ');
      findings.push({
        message: `This ignore comment suppresses nothing: ${names} ${unused.length === 1 ? 'reports' : 'report'} nothing ${scope}. Remove the comment.`,
        range: { start: { line: comment.line, character: start }, end: { line: comment.line, character: lineText.trimEnd().length } },
        tags: ['unnecessary'],
        fixes: [{ title: 'Remove the unused ignore comment', edits: [{ range: model.source.wholeLineRange(comment.line), newText: '' }], isPreferred: false }],
      });
      continue;
    }
    for (const written of unused) {
      findings.push({
        message: `${written.id} reports nothing ${scope}, so ignoring it here suppresses nothing. Remove it from the comment.`,
        range: { start: { line: comment.line, character: written.start }, end: { line: comment.line, character: written.end } },
        tags: ['unnecessary'],
        fixes: [{ title: `Remove ${written.id} from the ignore comment`, edits: [removeIdEdit(comment, written)], isPreferred: false }],
      });
    }
  }
  return findings;
}

/** Removes one id from `ignore=A, B,C` with the comma after it (the last id: the comma before it). */
function removeIdEdit(comment: OwnComment, written: OwnId): TextEdit {
  const index = comment.ids.indexOf(written);
  const line = comment.line;
  if (index + 1 < comment.ids.length) {
    return { range: { start: { line, character: written.start }, end: { line, character: comment.ids[index + 1].start } }, newText: '' };
  }
  return { range: { start: { line, character: comment.ids[index - 1].end }, end: { line, character: written.end } }, newText: '' };
}
