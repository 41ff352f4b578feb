// STUB — replaced by the Compose model (YAML AST, services, anchors and merge keys).
import { SourceText } from '../text';
import type { ModelBase } from '../types';

export interface ComposeModel extends ModelBase {}

export function parseCompose(text: string): ComposeModel {
  const source = new SourceText(text);
  return { source, problems: [], statementStart: (line) => line, fileCommentLine: 0 };
}
