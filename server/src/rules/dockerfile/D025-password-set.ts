// CG-D025: a RUN in the shipped chain sets or empties an account password: `chpasswd`,
// `passwd --stdin`, `… | passwd`, `passwd -d` (empty password), `useradd`/`usermod -p <hash>`
// (a lock marker `!`, `!!` or `*` is fine; so is `passwd -l`). The password, or its hash, is in
// the Dockerfile and the image, and gives a login or `su` target to whoever reads it.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import { commandsOf, programOf, type ShellWord } from '../../engine/dockerfile/shell';
import type { RuleFinding, Rule } from '../../engine/types';

const LOCK_MARKERS = new Set(['!', '!!', '*']);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D025',
    title: 'Account password set in the image',
    description:
      'A RUN sets or empties an account password (chpasswd, passwd, useradd -p). The password or its hash ships in the Dockerfile and the image; create users without a password instead.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: ['CKV2_DOCKER_17', 'Dockle DKL-LI-0001', 'Dockle DKL-LI-0002'],
    fixable: false,
  },
  check(model, context) {
    const findings: RuleFinding[] = [];
    const report = (word: ShellWord, message: string) => findings.push({ message, range: word.range, fixes: [] });
    for (const stage of model.shippedChain(context.buildTarget)) {
      for (const run of stage.instructions) {
        if (run.keyword !== 'RUN') continue;
        for (const command of commandsOf(model, run)) {
          const program = programOf(command);
          if (!program) continue;
          const word = command.argv[program.index];
          const args = program.args;
          const values = args.map((a) => a.value);
          if (program.name === 'chpasswd') {
            report(word, 'chpasswd sets an account password in the image: the password is in the Dockerfile and the image layers. Create the user without a password (e.g. --disabled-password or a nologin shell).');
          } else if (program.name === 'passwd') {
            const empty = values.find((v) => v === '-d' || v === '--delete');
            if (empty) {
              report(args[values.indexOf(empty)], 'passwd -d leaves the account with an empty password: anyone in the container can switch to it. Lock it with passwd -l instead.');
            } else if (values.includes('--stdin') || command.before === '|' || command.before === '|&') {
              report(word, 'passwd reads a password here, so the password is in the Dockerfile and the image layers. Create the user without a password (e.g. --disabled-password or a nologin shell).');
            }
          } else if (program.name === 'useradd' || program.name === 'usermod') {
            for (let i = 0; i < args.length; i++) {
              const value = args[i].value;
              let hash: ShellWord | undefined;
              if (value === '-p' || value === '--password') hash = args[i + 1];
              else if (value.startsWith('--password=')) hash = args[i];
              if (!hash) continue;
              const text = hash === args[i] ? value.slice('--password='.length) : hash.value;
              if (LOCK_MARKERS.has(text)) continue;
              report(hash, `${program.name} ${value.startsWith('--') ? '--password' : '-p'} sets a password hash in the image; the hash is in the Dockerfile and can be cracked offline. Create the user without a password.`);
            }
          }
        }
      }
    }
    return findings;
  },
};
