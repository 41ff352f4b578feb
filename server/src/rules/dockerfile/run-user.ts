// The user a given instruction runs as: the last USER before it in its stage, else in the
// stages it inherits from, else the base image's default user (root when unknown).
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { isRootUser } from '../../engine/users';

export interface UserAt {
  /** The USER argument as written (`app`, `$U`), or the base image's default user; null means root by default. */
  text: string | null;
  /** The user part after resolution; null when it cannot be resolved. */
  user: string | null;
  root: boolean;
  /** The user could not be resolved (an ARG without a default). */
  unknown: boolean;
}

export function userAt(model: DockerfileModel, instruction: Instruction): UserAt {
  const stage = model.stages[instruction.stageIndex];
  if (!stage) return { text: null, user: 'root', root: true, unknown: false };
  const chain = model.chainOf(stage);
  for (let i = chain.length - 1; i >= 0; i--) {
    const instructions = chain[i].instructions;
    const end = chain[i] === stage ? instructions.indexOf(instruction) : instructions.length;
    for (let j = (end < 0 ? instructions.length : end) - 1; j >= 0; j--) {
      const candidate = instructions[j];
      if (candidate.keyword !== 'USER' || candidate.argsText.trim() === '') continue;
      const text = candidate.argsText.trim();
      const value = model.expand(text, candidate).value;
      if (value === null) return { text, user: null, root: false, unknown: true };
      const user = value.split(':')[0];
      return { text, user, root: isRootUser(user), unknown: false };
    }
  }
  const base = model.baseImage(stage);
  if (base.defaultUser) {
    const user = base.defaultUser.split(':')[0];
    return { text: base.defaultUser, user, root: isRootUser(user), unknown: false };
  }
  return { text: null, user: 'root', root: true, unknown: false };
}
