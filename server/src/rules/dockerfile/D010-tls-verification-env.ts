// CG-D010: environment variables that turn off TLS verification for Python, Node.js, npm or git,
// set by ARG, ENV (also the legacy `ENV KEY value` form) or a RUN assignment / export.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { deleteAssignmentEdit, deletePairEdit, shellAssignments, variablePairs } from './commands';

interface Setting {
  /** Who stops verifying. */
  tool: string;
  /** Whether this value turns verification off. */
  disables(value: string): boolean;
}

/** The variable (npm's name compared case-insensitively, as npm reads `npm_config_*`). */
function settingFor(name: string): Setting | undefined {
  if (name === 'PYTHONHTTPSVERIFY') return { tool: 'Python (urllib, pip)', disables: (v) => v === '0' };
  if (name === 'NODE_TLS_REJECT_UNAUTHORIZED') return { tool: 'Node.js', disables: (v) => v === '0' };
  if (name.toUpperCase() === 'NPM_CONFIG_STRICT_SSL') return { tool: 'npm', disables: (v) => v.toLowerCase() === 'false' };
  // git checks only whether the variable exists.
  if (name === 'GIT_SSL_NO_VERIFY') return { tool: 'git', disables: () => true };
  return undefined;
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D010',
    title: 'Environment variable disables TLS verification',
    description:
      '`PYTHONHTTPSVERIFY=0`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `NPM_CONFIG_STRICT_SSL=false` and `GIT_SSL_NO_VERIFY` make Python, Node.js, npm or git accept any certificate, so downloads can be replaced in transit.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['CKV2_DOCKER_5', 'CKV2_DOCKER_6', 'CKV2_DOCKER_12', 'CKV2_DOCKER_14'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const pair of variablePairs(model)) {
      const setting = settingFor(pair.name);
      if (!setting || pair.value === null || pair.resolved === null || !setting.disables(pair.resolved)) continue;
      findings.push({
        message: message(pair.kind, pair.name, pair.value, setting),
        range: pair.nameRange,
        fixes: [{
          title: pair.count <= 1 ? `Remove the ${pair.kind} instruction` : `Remove ${pair.name} from the ${pair.kind} instruction`,
          edits: [deletePairEdit(model, pair)],
          isPreferred: false,
        }],
      });
    }
    for (const assignment of shellAssignments(model)) {
      const setting = settingFor(assignment.name);
      if (!setting || assignment.word.dynamic || !setting.disables(assignment.value)) continue;
      const edit = deleteAssignmentEdit(model, assignment);
      const fixes: Fix[] = edit ? [{ title: `Remove the ${assignment.name} assignment`, edits: [edit], isPreferred: false }] : [];
      const word = assignment.word;
      findings.push({
        message: message('RUN', assignment.name, assignment.value, setting),
        range: model.source.rangeOf(word.start, word.charOffsets[assignment.name.length]),
        fixes,
      });
    }
    return findings;
  },
};

function message(where: string, name: string, value: string, setting: Setting): string {
  return `${where} sets ${name}=${value}, which turns off TLS certificate verification in ${setting.tool}: anyone who can intercept the connection can replace what is downloaded. Remove it and trust the right CA instead.`;
}
