// CG-D102: the shipped image makes files world-writable: `chmod 777`, `chmod -R o+w`,
// `COPY --chmod=666`. Any process or user in the container can then change code or config.
// A mode with the sticky bit (`1777`, `a+rwxt`: the /tmp pattern) and `+w` without a who (the
// umask keeps others out) are not reported. Builder stages outside the shipped chain are silent.
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { commandsOf, programOf, type ShellCommand, type ShellWord } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Range, Rule } from '../../engine/types';
import { relatedToDeclarations } from './helpers';

/** Whether a chmod mode gives others write access, without the sticky bit. */
export function grantsWorldWrite(mode: string): boolean {
  if (/^[0-7]{1,5}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    const others = Number(digits[digits.length - 1]);
    const special = Number(digits[digits.length - 4]);
    return (others & 2) !== 0 && (special & 1) === 0;
  }
  const clauses = mode.split(',');
  let writes = false;
  let sticky = false;
  for (const clause of clauses) {
    const m = /^([ugoa]*)((?:[-+=][rwxXst]*)+)$/.exec(clause);
    if (!m) return false; // not a mode we understand (`go=u`, a file name)
    const who = m[1];
    for (const op of m[2].match(/[-+=][rwxXst]*/g) ?? []) {
      if (op[0] === '-') continue;
      if (op.includes('t')) sticky = true;
      if (op.includes('w') && /[oa]/.test(who)) writes = true;
    }
  }
  return writes && !sticky;
}

/**
 * The same mode without write for group and others: octal `777` → `755`, `0666` → `0644`
 * (digit count and special bits kept); symbolic → `755` when it grants execute, else `644`.
 */
export function withoutWorldWrite(mode: string): string {
  if (/^[0-7]{1,5}$/.test(mode)) {
    const value = parseInt(mode, 8) & ~0o22;
    return value.toString(8).padStart(mode.length, '0');
  }
  return /\+[rwxXst]*[xX]|=[rwxXst]*[xX]/.test(mode) ? '755' : '644';
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D102',
    title: 'World-writable permissions',
    description:
      'A chmod or COPY/ADD --chmod in the shipped image gives every user write access (`777`, `666`, `o+w`), so any process in the container can tamper with code or config. Use 755/644 and give ownership only to the data directories that need it.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [],
    fixable: true,
  },
  check(model, context) {
    const findings: RuleFinding[] = [];
    for (const stage of model.shippedChain(context.buildTarget)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'RUN') {
          for (const command of commandsOf(model, instruction)) {
            const mode = chmodMode(command);
            if (mode && grantsWorldWrite(mode.value)) findings.push(chmodFinding(model, command, mode));
          }
        } else if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
          const finding = flagFinding(model, instruction);
          if (finding) findings.push(finding);
        }
      }
    }
    return findings;
  },
};

/** The mode word of a `chmod` command; undefined for `--reference`, variables and other programs. */
function chmodMode(command: ShellCommand): ShellWord | undefined {
  const program = programOf(command);
  if (!program || program.name !== 'chmod') return undefined;
  if (program.args.some((w) => w.value.startsWith('--reference'))) return undefined;
  // Options are `-R`, `-v`, `-f`, `-c` and long ones; `-w` / `-x` are modes, which never grant.
  const mode = program.args.find((w) => !/^-[RvfcH]+$/.test(w.value) && !w.value.startsWith('--'));
  return mode && !mode.dynamic ? mode : undefined;
}

function message(what: string): string {
  return `${what} makes files writable by every user: any process in the container can change the code or config. Use 755/644, and --chown only on data directories that need writing.`;
}

function chmodFinding(model: DockerfileModel, command: ShellCommand, mode: ShellWord): RuleFinding {
  const fixes: Fix[] = [];
  // Inside an exec-form JSON string or a quoted `sh -c` script, the word is replaced as written
  // only when it was not quoted itself.
  if (!mode.quoted || (command.execForm && command.depth === 0)) {
    const replacement = withoutWorldWrite(mode.value);
    const text = command.execForm && command.depth === 0 ? JSON.stringify(replacement) : replacement;
    fixes.push(replaceFix(mode.range, mode.value, replacement, text));
  }
  return { message: message(`chmod ${mode.value}`), range: mode.range, fixes };
}

function flagFinding(model: DockerfileModel, instruction: Instruction): RuleFinding | undefined {
  const flag = instruction.flags.find((f) => f.name.toLowerCase() === 'chmod');
  if (!flag || flag.value === null || !flag.valueRange) return undefined;
  const expansion = flag.value.includes('$') ? model.expand(flag.value, instruction) : null;
  const value = expansion ? expansion.value : flag.value;
  if (value === null || !grantsWorldWrite(value)) return undefined;
  const written = flag.value === value ? value : `${flag.value} (= ${value})`;
  const fixes = flag.value.includes('$') ? [] : [replaceFix(flag.valueRange, value, withoutWorldWrite(value), withoutWorldWrite(value))];
  const related = expansion ? relatedToDeclarations(expansion.used, (d) => `'${value}' comes from ${d.kind} ${d.name}.`) : [];
  return {
    message: message(`${instruction.keyword} --chmod=${written}`),
    range: flag.valueRange,
    related: related.length ? related : undefined,
    fixes,
  };
}

function replaceFix(range: Range, from: string, to: string, newText: string): Fix {
  return { title: `Use mode ${to} instead of ${from}`, edits: [{ range, newText }], isPreferred: false };
}
