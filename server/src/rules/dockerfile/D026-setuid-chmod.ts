// CG-D026: a RUN in the shipped chain gives a file the setuid or setgid bit (`chmod u+s`,
// `chmod +s`, `chmod 4755`). A setuid binary runs with its owner's rights, usually root: any bug
// in it is a privilege escalation from the unprivileged runtime user.
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import { commandsOf, programOf, type ShellWord } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { isRootUser } from '../../engine/users';
import { insertBefore, userInsertionEdit } from './helpers';

export const STRIP_SETUID = 'RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true';
/** A RUN that strips the bits from the whole filesystem, like the fix inserts. */
const STRIPS = /\bfind\b[^\n]*-perm\s+[/+-]?0?[2467]000\b[^\n]*\bchmod\s+[ugoa]*-s\b/;

/** Whether a chmod mode word grants setuid or setgid: `+s`, `u+s`, `g=s`, `a+rs`, `4755`, `02755`. */
export function grantsSetId(mode: string): boolean {
  if (/^[0-7]{4,5}$/.test(mode)) {
    const special = Number(mode[mode.length - 4]);
    return (special & 6) !== 0;
  }
  return mode.split(',').some((clause) => {
    const m = /^([ugoa]*)([-+=][rwxXstugo]*)+$/.exec(clause);
    if (!m) return false;
    const who = m[1];
    const ops = clause.slice(who.length).match(/[-+=][rwxXstugo]*/g) ?? [];
    return ops.some((op) => op[0] !== '-' && op.includes('s') && (who === '' || /[uga]/.test(who)));
  });
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D026',
    title: 'setuid/setgid bit set',
    description:
      'A chmod in the shipped image sets the setuid or setgid bit. Such a binary runs with its owner\'s rights (usually root), so any bug in it lets the unprivileged runtime user escalate.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['CIS 4.8', 'Dockle CIS-DI-0008'],
    fixable: true,
  },
  check(model, context) {
    const chain = model.shippedChain(context.buildTarget);
    const shipped = chain[chain.length - 1];
    if (!shipped) return [];
    const found: { run: Instruction; mode: ShellWord }[] = [];
    for (const stage of chain) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'RUN') continue;
        if (STRIPS.test(instruction.argsText)) {
          found.length = 0; // everything set before is stripped again
          continue;
        }
        for (const command of commandsOf(model, instruction)) {
          const program = programOf(command);
          if (!program || program.name !== 'chmod') continue;
          const mode = program.args.find((w) => !/^-[A-Za-z]+$/.test(w.value) && !w.value.startsWith('--'));
          if (mode && !mode.dynamic && grantsSetId(mode.value)) found.push({ run: instruction, mode });
        }
      }
    }
    if (found.length === 0) return [];
    const fix = stripFix(model, shipped, found.map((f) => f.run));
    return found.map(({ mode }) => ({
      message: `chmod ${mode.value} sets the setuid/setgid bit: the file will run with its owner's rights (usually root), so a bug in it lets the runtime user escalate.`,
      range: mode.range,
      fixes: fix ? [fix] : [],
    }) satisfies RuleFinding);
  },
};

/**
 * `RUN find / … chmod a-s …` inserted before the shipped stage's last USER (it must run as root,
 * after every flagged chmod), or after its last RUN when it has no USER and runs as root.
 */
function stripFix(model: DockerfileModel, stage: Stage, runs: Instruction[]): Fix | null {
  const family = model.baseImage(stage).family;
  if (family === 'distroless' || family === 'scratch' || family === 'windows') return null;
  const users = stage.instructions.filter((i) => i.keyword === 'USER');
  const lastUser = users[users.length - 1];
  let edit;
  if (lastUser) {
    const userIndex = stage.instructions.indexOf(lastUser);
    if (runs.some((r) => stage.instructions.indexOf(r) > userIndex)) return null;
    edit = insertBefore(model, lastUser, stage, [STRIP_SETUID]);
  } else {
    const user = model.effectiveUser(stage);
    if (user && (user.user === null || !isRootUser(user.user))) return null;
    edit = userInsertionEdit(model, stage, null, [STRIP_SETUID]);
  }
  if (!edit) return null;
  return { title: 'Strip setuid/setgid bits from every file in the image', edits: [edit], isPreferred: false };
}
