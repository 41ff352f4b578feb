// STUB — replaced by the Dockerfile model (stages, ARG resolution, image references).
import { SourceText } from '../text';
import type { ModelBase } from '../types';

export interface DockerfileModel extends ModelBase {}

export function parseDockerfile(text: string): DockerfileModel {
  const source = new SourceText(text);
  return { source, problems: [], statementStart: (line) => line, fileCommentLine: 0 };
}
