// CG-D023: the last USER of the shipped image names its user by name, not by uid. Kubernetes'
// `runAsNonRoot` can only verify a numeric uid, and a name means something else (or nothing) in
// another base image's /etc/passwd. A USER written with a variable (`USER $APP_UID`) is left alone.
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import { commandsOf, programOf, type ShellWord } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { isRootUser } from '../../engine/users';
import { typedShippedStage } from './helpers';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D023',
    title: 'USER is not a numeric uid',
    description:
      'The last USER names the user instead of giving a numeric uid. Kubernetes runAsNonRoot can only verify a numeric uid, and a name depends on the image\'s /etc/passwd.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['hadolint DL3066'],
    fixable: true,
  },
  check(model, context) {
    const stage = typedShippedStage(model, context);
    if (!stage) return [];
    const user = model.effectiveUser(stage);
    if (!user || user.fromBaseImage || !user.instruction || !user.range) return [];
    if (model.baseImage(stage).family === 'windows') return [];
    const written = user.text;
    if (written.includes('$')) return [];
    const colon = written.indexOf(':');
    const name = colon < 0 ? written : written.slice(0, colon);
    const group = colon < 0 ? null : written.slice(colon + 1);
    if (name === '' || /^\d+$/.test(name) || isRootUser(name)) return [];
    const start = user.range.start;
    const range = { start, end: { line: start.line, character: start.character + name.length } };
    const created = findCreation(model, model.chainOf(stage), name);
    const fixes: Fix[] = [];
    if (created) {
      const gid = group === null ? created.gid : /^\d+$/.test(group) ? group : group === created.groupName ? created.gid : null;
      if (group === null || gid !== null) {
        const replacement = gid !== null ? `${created.uid}:${gid}` : created.uid;
        fixes.push({
          title: `Use the numeric ids: USER ${replacement}`,
          edits: [{ range: user.range, newText: replacement }],
          isPreferred: gid !== null,
        });
      }
    }
    const finding: RuleFinding = {
      message: created
        ? `USER ${name} is a name; the file creates it with uid ${created.uid}. Use the numeric uid so that runAsNonRoot can verify it.`
        : `USER ${name} is a name, not a numeric uid: Kubernetes runAsNonRoot cannot verify it, and it depends on the image's /etc/passwd.`,
      range,
      fixes,
    };
    return [finding];
  },
};

interface Creation {
  uid: string;
  /** The numeric gid of the user's primary group, when the file says it. */
  gid: string | null;
  groupName: string | null;
}

/** `useradd -u N [-g G] name` / `adduser -u N [-G G] name` in the stage chain, with the group's gid. */
function findCreation(model: DockerfileModel, chain: Stage[], name: string): Creation | undefined {
  const runs: Instruction[] = chain.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN'));
  const groups = new Map<string, string>();
  let found: { uid: string; group: string | null } | undefined;
  for (const run of runs) {
    for (const command of commandsOf(model, run)) {
      const program = programOf(command);
      if (!program) continue;
      const args = program.args.map((w: ShellWord) => w.value);
      if (program.name === 'groupadd' || program.name === 'addgroup') {
        const gid = optionValue(args, ['-g', '--gid']);
        const groupName = lastOperand(args, ['-g', '--gid', '-K', '--key', '-p', '--password', '-R', '--root', '-P', '--prefix']);
        if (gid && groupName && /^\d+$/.test(gid)) groups.set(groupName, gid);
      } else if (program.name === 'useradd' || program.name === 'adduser') {
        const withValue = ['-u', '--uid', '-g', '--gid', '-G', '--groups', '--ingroup', '-d', '--home', '--home-dir', '-s', '--shell', '-c', '--comment', '-h', '-k', '--skel', '-e', '--expiredate', '-f', '--inactive', '-K', '--key', '-p', '--password', '-R', '--root', '-b', '--base-dir', '--gecos', '--firstuid', '--lastuid'];
        if (lastOperand(args, withValue) !== name) continue;
        const uid = optionValue(args, ['-u', '--uid']);
        if (!uid || !/^\d+$/.test(uid)) continue;
        // useradd -g is the primary group; busybox adduser -G and Debian adduser --ingroup too.
        const group = program.name === 'useradd' ? optionValue(args, ['-g', '--gid']) : optionValue(args, ['-G', '--ingroup', '--gid']);
        found = { uid, group };
      }
    }
  }
  if (!found) return undefined;
  const groupName = found.group ?? name;
  const gid = found.group && /^\d+$/.test(found.group) ? found.group : groups.get(groupName) ?? null;
  return { uid: found.uid, gid, groupName: found.group && !/^\d+$/.test(found.group) ? found.group : name };
}

/** The value of `-u N`, `-uN`, `--uid N` or `--uid=N`. */
function optionValue(args: string[], names: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    for (const option of names) {
      if (arg === option) return args[i + 1] ?? null;
      if (option.startsWith('--') && arg.startsWith(option + '=')) return arg.slice(option.length + 1);
      if (!option.startsWith('--') && arg.startsWith(option) && arg.length > option.length && /^\d/.test(arg.slice(option.length))) return arg.slice(option.length);
    }
  }
  return null;
}

/** The last word that is neither an option nor an option's value. */
function lastOperand(args: string[], withValue: string[]): string | null {
  let last: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('-')) {
      if (withValue.includes(arg)) i++;
      continue;
    }
    last = arg;
  }
  return last;
}
