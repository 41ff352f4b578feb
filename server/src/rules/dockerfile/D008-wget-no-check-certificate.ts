// CG-D008: `wget --no-check-certificate` in a RUN: the download is accepted from anyone who can
// intercept the connection.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { deleteWordsEdit, toolCalls } from './commands';

const WGET = new Set(['wget']);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D008',
    title: 'wget with TLS verification disabled',
    description:
      '`wget --no-check-certificate` accepts any certificate, so whoever can intercept the connection can replace what the build downloads and runs. Remove the option and trust the right CA instead.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['CKV2_DOCKER_3'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of toolCalls(model, WGET)) {
      for (const word of call.args) {
        if (word.value === '--') break;
        if (word.value !== '--no-check-certificate') continue;
        findings.push({
          message: `wget '--no-check-certificate' turns off TLS certificate verification: anyone who can intercept the connection can replace the download. Remove it and install the server's CA certificate if it is private.`,
          range: word.range,
          fixes: [{ title: "Remove '--no-check-certificate'", edits: [deleteWordsEdit(model, call.command, word)], isPreferred: false }],
        });
      }
    }
    return findings;
  },
};
