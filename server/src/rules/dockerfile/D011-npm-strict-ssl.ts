// CG-D011: `npm config set strict-ssl false` (also `npm c set`, `yarn config set`): the package
// manager stops verifying the registry's certificate for every later install.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { ShellWord } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { deleteCommandEdit, toolCalls } from './commands';

const TOOLS = new Set(['npm', 'yarn']);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D011',
    title: 'npm/yarn strict-ssl disabled',
    description:
      '`npm config set strict-ssl false` / `yarn config set strict-ssl false` make the package manager accept any certificate, so a network attacker can substitute the packages the build installs.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['CKV2_DOCKER_13'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of toolCalls(model, TOOLS)) {
      // Options (`-g`, `--global`, `--location=user`) may come anywhere.
      const words = call.args.filter((w) => !w.value.startsWith('-'));
      const configVerb = call.tool === 'npm' ? ['config', 'c'] : ['config'];
      let keys: ShellWord[];
      if (configVerb.includes(words[0]?.value) && words[1]?.value === 'set') keys = words.slice(2);
      else if (call.tool === 'npm' && words[0]?.value === 'set') keys = words.slice(1); // `npm set` = `npm config set`
      else continue;
      const hit = strictSslFalse(keys);
      if (!hit) continue;
      const edit = deleteCommandEdit(model, call.command);
      const fixes: Fix[] = edit
        ? [{ title: `Remove '${call.tool} config set strict-ssl false'`, edits: [edit], isPreferred: false }]
        : [];
      findings.push({
        message: `'${call.tool} config set strict-ssl false' turns off certificate verification for the registry: anyone who can intercept the connection can replace the packages. Remove it and configure the registry's CA ('cafile') instead.`,
        range: hit.range,
        fixes,
      });
    }
    return findings;
  },
};

/** `strict-ssl false` or `strict-ssl=false`: the word naming the key. */
function strictSslFalse(words: ShellWord[]): ShellWord | undefined {
  for (let i = 0; i < words.length; i++) {
    const value = words[i].value;
    const lower = value.toLowerCase();
    if (lower === 'strict-ssl=false') return words[i];
    if (lower === 'strict-ssl' && words[i + 1]?.value.toLowerCase() === 'false') return words[i];
  }
  return undefined;
}
