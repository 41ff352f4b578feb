// CG-D007: `curl -k` / `--insecure` in a RUN (shell form, exec form, heredoc, `sh -c`): the
// download is accepted from anyone who can intercept the connection.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { deleteCharsEdit, deleteWordsEdit, isShortCluster, toolCalls, type ToolCall } from './commands';

const CURL = new Set(['curl']);
/** curl's short options that take a value: in a cluster, the rest of the word is that value. */
const SHORT_WITH_VALUE = new Set('AbcCdDeEFHKmoPQrtTuUwxXyYz'.split(''));
/** Long options whose value is the next word (so a `-k` there is not curl's option). */
const LONG_WITH_VALUE = new Set([
  '--output', '--header', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--user', '--user-agent',
  '--referer', '--write-out', '--upload-file', '--proxy', '--request', '--cookie', '--cookie-jar', '--config',
  '--max-time', '--form', '--range', '--continue-at', '--cert', '--key', '--cacert', '--capath', '--retry',
  '--connect-timeout', '--url', '--output-dir', '--resolve', '--proxy-user', '--interface', '--limit-rate',
]);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D007',
    title: 'curl with TLS verification disabled',
    description:
      '`curl -k` / `--insecure` accepts any certificate, so whoever can intercept the connection can replace what the build downloads and runs. Remove the option and trust the right CA instead.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['CKV2_DOCKER_2'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of toolCalls(model, CURL)) findings.push(...insecureOptions(model, call));
    return findings;
  },
};

function insecureOptions(model: DockerfileModel, call: ToolCall): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const args = call.args;
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    const value = word.value;
    if (value === '--') break;
    if (LONG_WITH_VALUE.has(value)) {
      i++;
      continue;
    }
    if (value === '--insecure' || value === '-k') {
      findings.push(finding(word.range, `'${value}'`, {
        title: `Remove '${value}'`,
        edits: [deleteWordsEdit(model, call.command, word)],
        isPreferred: false,
      }));
      continue;
    }
    if (!isShortCluster(value)) continue;
    if (value.length === 2) {
      if (SHORT_WITH_VALUE.has(value[1])) i++;
      continue;
    }
    for (let k = 1; k < value.length; k++) {
      const letter = value[k];
      if (letter === 'k') {
        const without = value.slice(0, k) + value.slice(k + 1);
        const range = model.source.rangeOf(word.charOffsets[k], word.charOffsets[k] + 1);
        findings.push(finding(range, `'k' in '${value}'`, {
          title: `Remove 'k' from '${value}' ('${without}')`,
          edits: [deleteCharsEdit(model, word, k, k + 1)],
          isPreferred: false,
        }));
        break;
      }
      if (SHORT_WITH_VALUE.has(letter)) {
        // `-o file`: the value is the rest of the cluster, or the next word.
        if (k === value.length - 1) i++;
        break;
      }
    }
  }
  return findings;
}

function finding(range: RuleFinding['range'], what: string, fix: Fix): RuleFinding {
  return {
    message: `curl ${what} turns off TLS certificate verification: anyone who can intercept the connection can replace the download. Remove it and install the server's CA certificate if it is private.`,
    range,
    fixes: [fix],
  };
}
