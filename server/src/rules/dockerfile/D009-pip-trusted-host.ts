// CG-D009: pip told to trust a host without TLS verification: `pip install --trusted-host <h>`, or
// `PIP_TRUSTED_HOST` set by ARG, ENV or a RUN assignment / export.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { deleteAssignmentEdit, deletePairEdit, deleteWordsEdit, shellAssignments, toolCalls, variablePairs } from './commands';

const PIP = new Set(['pip']);
const MESSAGE_TAIL = 'pip then accepts plain HTTP and any certificate from that host, so whoever can intercept the connection can replace the packages the build installs. Serve the index over HTTPS with a trusted certificate instead.';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D009',
    title: 'pip trusts a host without TLS verification',
    description:
      '`pip --trusted-host` and `PIP_TRUSTED_HOST` turn off HTTPS verification for a package index, so a network attacker can substitute the packages the build installs.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['CKV2_DOCKER_4', 'CKV2_DOCKER_16'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of toolCalls(model, PIP)) {
      const args = call.args;
      for (let i = 0; i < args.length; i++) {
        const word = args[i];
        if (word.value === '--') break;
        let last = word;
        let host: string;
        if (word.value === '--trusted-host') {
          last = args[i + 1] ?? word;
          host = args[i + 1]?.value ?? '';
        } else if (word.value.startsWith('--trusted-host=')) {
          host = word.value.slice('--trusted-host='.length);
        } else continue;
        const edits = [deleteWordsEdit(model, call.command, word, last)];
        findings.push({
          message: `pip '--trusted-host${host ? ` ${host}` : ''}': ${MESSAGE_TAIL}`,
          range: word.range,
          fixes: [{ title: `Remove '--trusted-host${host ? ` ${host}` : ''}'`, edits, isPreferred: false }],
        });
        if (last !== word) i++;
      }
    }
    for (const pair of variablePairs(model)) {
      if (pair.name !== 'PIP_TRUSTED_HOST' || pair.value === null || pair.value === '') continue;
      findings.push({
        message: `${pair.kind} PIP_TRUSTED_HOST makes every later pip call trust '${pair.value}': ${MESSAGE_TAIL}`,
        range: pair.nameRange,
        fixes: [{
          title: pair.count <= 1 ? `Remove the ${pair.kind} instruction` : `Remove PIP_TRUSTED_HOST from the ${pair.kind} instruction`,
          edits: [deletePairEdit(model, pair)],
          isPreferred: false,
        }],
      });
    }
    for (const assignment of shellAssignments(model)) {
      if (assignment.name !== 'PIP_TRUSTED_HOST' || assignment.value === '') continue;
      const edit = deleteAssignmentEdit(model, assignment);
      const fixes: Fix[] = edit ? [{ title: 'Remove the PIP_TRUSTED_HOST assignment', edits: [edit], isPreferred: false }] : [];
      const word = assignment.word;
      findings.push({
        message: `PIP_TRUSTED_HOST=${assignment.value} makes pip trust that host: ${MESSAGE_TAIL}`,
        range: model.source.rangeOf(word.start, word.charOffsets[assignment.name.length]),
        fixes,
      });
    }
    return findings;
  },
};
