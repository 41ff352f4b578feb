// The "refactor to a build secret" edit shared by the secret rules (CG-D030, and D031 when an ENV
// only passes a secret ARG on): delete the ARG, mount the secret on every RUN that reads it
// (`RUN --mount=type=secret,id=<id>,env=NAME`) and make sure the Dockerfile frontend knows `env=`.
import type { TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import type { Fix } from '../../engine/types';
import { declaredProperties, deletePropertyEdit, referencesVariable } from './declarations';

/** `# syntax=` values whose frontend accepts `--mount=type=secret,…,env=` (Dockerfile ≥ 1.10). */
const MODERN_SYNTAX = /^(?:docker\.io\/)?docker\/dockerfile:1(?:\.(?:1\d|[2-9]\d)(?:\.\d+)?)?(?:-labs)?$/;
/** Other official Dockerfile frontend versions, which the fix moves to `docker/dockerfile:1`. */
const OLD_SYNTAX = /^(?:docker\.io\/)?docker\/dockerfile:[01](?:\.\d+)*(?:-labs|-experimental)?$/;

/** The secret id used for a variable: its name in lower case (`NPM_TOKEN` → `npm_token`). */
export function secretId(name: string): string {
  return name.toLowerCase();
}

/** The mount flag for a variable. */
export function secretMountFlag(name: string): string {
  return `--mount=type=secret,id=${secretId(name)},env=${name}`;
}

/** Whether a RUN already mounts a secret into this variable. */
export function mountsSecret(run: Instruction, name: string): boolean {
  return run.flags.some((f) => f.name.toLowerCase() === 'mount' && f.value !== null && /(^|,)type=secret(,|$)/.test(f.value) && new RegExp(`(^|,)env=${name}(,|$)`).test(f.value));
}

/** The edit that adds `# syntax=docker/dockerfile:1` when needed (line 1, or below the other directives), or null when it is there (or a custom frontend). */
export function syntaxDirectiveEdit(model: DockerfileModel): TextEdit | null {
  const directive = model.directives.find((d) => d.name === 'syntax');
  if (directive) {
    const value = directive.value.trim();
    if (MODERN_SYNTAX.test(value) || !OLD_SYNTAX.test(value)) return null;
    return { range: directive.valueRange, newText: 'docker/dockerfile:1' };
  }
  // Below the file's other directives (`# escape=`): they stay where they are, on the first line. Some
  // readers (dockerfile-ast with lone-CR line endings) only see a directive on the first line.
  const last = model.directives[model.directives.length - 1];
  if (last) return { range: { start: last.range.end, end: last.range.end }, newText: `${model.eol}# syntax=docker/dockerfile:1` };
  const character = model.source.text.startsWith('\uFEFF') ? 1 : 0;
  const at = { line: 0, character };
  return { range: { start: at, end: at }, newText: `# syntax=docker/dockerfile:1${model.eol}` };
}

/**
 * The build-secret refactor for the ARG `name` declared by `declaration`, or null when a
 * non-RUN instruction reads the variable (a secret mount only reaches RUN).
 *
 * A global ARG (before the first FROM) and its re-declarations in stages are refactored together;
 * an ARG declared only in a stage is refactored in that stage.
 */
export function buildSecretFix(model: DockerfileModel, declaration: Instruction, name: string): Fix | null {
  const argDeclares = (i: Instruction) => i.keyword === 'ARG' && declaredProperties(i).some((p) => p.name === name);
  const globals = model.instructions.filter((i) => i.stageIndex < 0 && argDeclares(i));
  const declared = declaredProperties(declaration).find((p) => p.name === name);
  const wholeFile = declaration.stageIndex < 0 || (globals.length > 0 && declared?.value === null);

  const group: Instruction[] = wholeFile
    ? model.instructions.filter(argDeclares)
    : (model.stages[declaration.stageIndex]?.instructions ?? []).filter(argDeclares);
  if (group.length === 0) return null;

  if (wholeFile) {
    // A FROM that reads the global ARG cannot use a secret.
    if (model.stages.some((s) => referencesVariable(s.from.rawArgs, name, model.escapeChar))) return null;
  }

  const edits: TextEdit[] = [];
  for (const instruction of group) {
    const index = declaredProperties(instruction).findIndex((p) => p.name === name);
    edits.push(deletePropertyEdit(model, instruction, instruction, index));
  }

  const runs: Instruction[] = [];
  for (const stage of model.stages) {
    const first = stage.instructions.findIndex((i) => group.includes(i));
    if (first < 0) continue;
    for (const instruction of stage.instructions.slice(first + 1)) {
      if (group.includes(instruction)) continue;
      const target = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
      if (!target) continue;
      if (!referencesVariable(target.rawArgs, name, model.escapeChar) && !target.flags.some((f) => referencesVariable(f.value ?? '', name, model.escapeChar))) continue;
      if (target !== instruction || target.keyword !== 'RUN') return null;
      runs.push(target);
    }
  }

  for (const run of runs) {
    if (mountsSecret(run, name)) continue;
    edits.push({ range: { start: run.keywordRange.end, end: run.keywordRange.end }, newText: ` ${secretMountFlag(name)}` });
  }
  if (runs.length > 0) {
    const syntax = syntaxDirectiveEdit(model);
    if (syntax) edits.push(syntax);
  }
  const id = secretId(name);
  return {
    title:
      runs.length > 0
        ? `Use a build secret instead: RUN ${secretMountFlag(name)} (build with --secret id=${id},env=${name})`
        : `Delete the unused ARG ${name}`,
    edits,
    isPreferred: false,
  };
}
