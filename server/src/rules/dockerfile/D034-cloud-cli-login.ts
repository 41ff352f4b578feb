// CG-D034: a RUN without a secret mount logs a cloud CLI in with a credential on its command line:
// `aws configure set aws_access_key_id|aws_secret_access_key <v>`,
// `gcloud auth activate-service-account`, `az login … -p|--password|--federated-token <v>`,
// `doctl auth init … -t|--access-token <v>`. The credential lands in the layer's history, and the
// CLI writes it into a config file inside the image.
import type { TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { commandsOf, programOf, type ShellCommand, type ShellWord } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { effectiveInstructions } from './declarations';
import { secretMountFlag, syntaxDirectiveEdit } from './secret-mount';

interface Login {
  /** The word to report (the key name, the sub-command or the option). */
  word: ShellWord;
  /** The credential value, when it is one word the fix can replace. */
  value?: ShellWord;
  /** The environment variable the fix mounts the secret into. */
  variable?: string;
  what: string;
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D034',
    title: 'Cloud CLI login with a credential in RUN',
    description:
      'A RUN logs a cloud CLI (aws, gcloud, az, doctl) in with a credential and no secret mount. The credential is kept in the image history and in the CLI\'s config file in the image.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['Trivy DS-0031'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const run of effectiveInstructions(model)) {
      if (run.keyword !== 'RUN') continue;
      if (run.flags.some((f) => f.name.toLowerCase() === 'mount' && f.value !== null && /(^|,)type=secret(,|$)/.test(f.value))) continue;
      for (const command of commandsOf(model, run)) {
        const login = loginOf(command);
        if (!login) continue;
        const fix = run.inOnbuild ? null : mountFix(model, run, command, login);
        findings.push({
          message: `${login.what} puts a credential on the command line of a build step without a secret mount: it is kept in the image history and in the CLI's config file in the image. Pass it with RUN --mount=type=secret.`,
          range: login.word.range,
          fixes: fix ? [fix] : [],
        });
      }
    }
    return findings;
  },
};

function optionValue(args: ShellWord[], names: string[]): { option: ShellWord; value?: ShellWord } | undefined {
  for (let i = 0; i < args.length; i++) {
    const word = args[i].value;
    for (const name of names) {
      if (word === name) return { option: args[i], value: args[i + 1] };
      if (name.startsWith('--') && word.startsWith(name + '=')) return { option: args[i] };
    }
  }
  return undefined;
}

export function loginOf(command: ShellCommand): Login | undefined {
  const program = programOf(command);
  if (!program) return undefined;
  const args = program.args;
  const v = args.map((a) => a.value);
  switch (program.name) {
    case 'aws': {
      if (v[0] !== 'configure' || v[1] !== 'set') return undefined;
      const key = args.slice(2).find((a) => !a.value.startsWith('-'));
      if (!key) return undefined;
      const name = key.value.replace(/^default\./, '');
      if (name !== 'aws_access_key_id' && name !== 'aws_secret_access_key') return undefined;
      const value = args[args.indexOf(key) + 1];
      return { word: key, value: value && !value.value.startsWith('-') ? value : undefined, variable: name.toUpperCase(), what: `aws configure set ${name}` };
    }
    case 'gcloud': {
      const at = v.indexOf('activate-service-account');
      if (at < 0 || !v.slice(0, at).includes('auth')) return undefined;
      return { word: args[at], what: 'gcloud auth activate-service-account' };
    }
    case 'az': {
      if (v[0] !== 'login') return undefined;
      const found = optionValue(args, ['-p', '--password', '--federated-token']);
      if (!found) return undefined;
      const federated = found.option.value.startsWith('--federated-token');
      return {
        word: found.option,
        value: found.value,
        variable: federated ? 'AZURE_FEDERATED_TOKEN' : 'AZURE_PASSWORD',
        what: `az login ${federated ? '--federated-token' : found.option.value.split('=')[0]}`,
      };
    }
    case 'doctl': {
      if (v[0] !== 'auth' || v[1] !== 'init') return undefined;
      const found = optionValue(args, ['-t', '--access-token']);
      if (!found) return undefined;
      return { word: found.option, value: found.value, variable: 'DIGITALOCEAN_ACCESS_TOKEN', what: `doctl auth init ${found.option.value.split('=')[0]}` };
    }
    default:
      return undefined;
  }
}

/** Mount the secret into the variable and use `"$VAR"` instead of the literal (shell form only). */
function mountFix(model: DockerfileModel, run: Instruction, command: ShellCommand, login: Login): Fix | null {
  if (!login.variable || !login.value || command.execForm) return null;
  const reference = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(login.value.value);
  const variable = reference ? reference[1] : login.variable;
  const edits: TextEdit[] = [{ range: { start: run.keywordRange.end, end: run.keywordRange.end }, newText: ` ${secretMountFlag(variable)}` }];
  if (!reference) edits.push({ range: login.value.range, newText: `"$${variable}"` });
  const syntax = syntaxDirectiveEdit(model);
  if (syntax) edits.push(syntax);
  return {
    title: `Pass the credential as a build secret: RUN ${secretMountFlag(variable)} (build with --secret id=${variable.toLowerCase()},env=${variable})`,
    edits,
    isPreferred: false,
  };
}
