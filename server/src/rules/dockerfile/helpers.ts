// Shared pieces of the Dockerfile rules: where to insert lines, how to create a non-root user
// for a base image family. Who counts as root is engine/users.ts.
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { BaseImageInfo, DockerfileModel, ImageRef, Instruction, Stage, StageImage, VarDecl } from '../../engine/dockerfile/model';
import type { RelatedInfo, RuleContext } from '../../engine/types';

/** The uid/gid our fixes create; high enough not to clash with system or distribution users. */
export const APP_UID = 10001;
/** The `nonroot` user of distroless and Chainguard images. */
export const NONROOT_UID = 65532;

export interface UserFix {
  /** Lines to insert (without indentation or line breaks). */
  lines: string[];
  title: string;
  isPreferred: boolean;
}

/** How to switch to a non-root user on this base image, creating the user when needed. */
export function createUserFix(base: BaseImageInfo): UserFix {
  const numeric = `USER ${APP_UID}:${APP_UID}`;
  if (base.shippedUser) {
    return { lines: [`USER ${base.shippedUser}`], title: `Run as the image's '${base.shippedUser}' user`, isPreferred: false };
  }
  switch (base.family) {
    case 'debian':
      return {
        lines: [
          `RUN groupadd --system --gid ${APP_UID} app && useradd --system --uid ${APP_UID} --gid app --no-create-home --shell /usr/sbin/nologin app`,
          numeric,
        ],
        title: `Create a non-root user 'app' (${APP_UID}) and switch to it`,
        isPreferred: false,
      };
    case 'alpine':
      return {
        lines: [`RUN addgroup -S -g ${APP_UID} app && adduser -S -D -H -u ${APP_UID} -G app app`, numeric],
        title: `Create a non-root user 'app' (${APP_UID}) and switch to it`,
        isPreferred: false,
      };
    case 'rhel':
      if (!base.canCreateUser) {
        return { lines: [numeric], title: `Switch to the numeric non-root user ${APP_UID}:${APP_UID}`, isPreferred: false };
      }
      return {
        lines: [
          `RUN groupadd --system --gid ${APP_UID} app && useradd --system --uid ${APP_UID} --gid app --no-create-home --shell /sbin/nologin app`,
          numeric,
        ],
        title: `Create a non-root user 'app' (${APP_UID}) and switch to it`,
        isPreferred: false,
      };
    case 'distroless':
    case 'scratch':
      return {
        lines: [`USER ${NONROOT_UID}:${NONROOT_UID}`],
        title: `Switch to the numeric non-root user ${NONROOT_UID}:${NONROOT_UID}`,
        isPreferred: false,
      };
    case 'windows':
      return { lines: ['USER ContainerUser'], title: 'Run as ContainerUser', isPreferred: false };
    default:
      return { lines: [numeric], title: `Switch to the numeric non-root user ${APP_UID}:${APP_UID}`, isPreferred: false };
  }
}

/**
 * Where a USER line goes in a stage so that every RUN after `after` still runs as before:
 * before the first CMD/ENTRYPOINT that follows both `after` and the stage's last RUN, otherwise
 * after the stage's last instruction.
 */
export function userInsertionEdit(model: DockerfileModel, stage: Stage, after: Instruction | null, lines: string[]): TextEdit | null {
  const instructions = stage.instructions;
  let from = after ? instructions.indexOf(after) + 1 : 0;
  for (let i = instructions.length - 1; i >= from; i--) {
    if (instructions[i].keyword === 'RUN') {
      from = i + 1;
      break;
    }
  }
  for (let i = from; i < instructions.length; i++) {
    const keyword = instructions[i].keyword;
    if (keyword === 'CMD' || keyword === 'ENTRYPOINT') return insertBefore(model, instructions[i], stage, lines);
  }
  return appendAfterStage(model, stage, lines);
}

/**
 * Inserts lines above an instruction, and above the comment block directly on top of it, so an
 * ignore comment stays attached to the instruction it was written for.
 */
export function insertBefore(model: DockerfileModel, instruction: Instruction, stage: Stage | null, lines: string[]): TextEdit {
  const { source, eol } = model;
  let line = instruction.startLine;
  const index = stage ? stage.instructions.indexOf(instruction) : -1;
  const previousEnd = !stage ? -1 : index > 0 ? stage.instructions[index - 1].endLine : stage.from.endLine;
  const floor = Math.max(previousEnd + 1, model.fileCommentLine);
  while (line - 1 >= floor && /^[ \t]*#/.test(source.lineText(line - 1))) line--;
  const indent = source.indentOf(instruction.startLine);
  const range: Range = source.lineStartRange(line);
  return { range, newText: lines.map((l) => indent + l + eol).join('') };
}

/**
 * Inserts lines right after the stage's last instruction (at EOF for the last stage). Null when that
 * instruction's here-document has no delimiter line: it runs to the end of the file, and lines added
 * below would join its body.
 */
export function appendAfterStage(model: DockerfileModel, stage: Stage, lines: string[]): TextEdit | null {
  const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
  if ([last, last.trigger].some((instruction) => instruction?.heredocs.some((heredoc) => !heredoc.terminated))) return null;
  const { source, eol } = model;
  const endLine = stage.endLine;
  if (endLine + 1 < source.lineCount) {
    return { range: source.lineStartRange(endLine + 1), newText: lines.map((l) => l + eol).join('') };
  }
  // The stage ends on the last line, which has no line break after it.
  const end = source.positionAt(source.text.length);
  return { range: { start: end, end }, newText: eol + lines.join(eol) };
}

/** relatedInformation pointing at the ARG/ENV values a resolved text came from. */
export function relatedToDeclarations(decls: VarDecl[], resolvedMessage: (decl: VarDecl) => string): RelatedInfo[] {
  const related: RelatedInfo[] = [];
  for (const decl of decls) {
    const range = decl.valueRange ?? decl.nameRange;
    if (range) related.push({ range, message: resolvedMessage(decl) });
  }
  return related;
}

/** A human name for a stage: `'build'` or `#2`. */
export function stageLabel(stage: Stage): string {
  return stage.name !== null ? `'${stage.name}'` : `#${stage.index + 1}`;
}

/** A stage's base image that names a registry image, fully resolved (pinning rules judge these). */
export interface RegistryImage {
  stage: Stage;
  image: StageImage & { range: Range; resolved: string };
  ref: ImageRef;
}

/** Registry base images of every stage: not scratch, not an earlier stage, no variable left (D005's). */
export function registryImages(model: DockerfileModel): RegistryImage[] {
  const images: RegistryImage[] = [];
  for (const stage of model.stages) {
    const image = stage.image;
    if (!image.range || !image.ref || image.resolved === null) continue;
    if (image.isScratch || image.stageRef || image.resolved.includes('$')) continue;
    images.push({ stage, image: image as RegistryImage['image'], ref: image.ref });
  }
  return images;
}

/** Related information pointing at the ARG defaults an image reference came from, if any. */
export function relatedToImageArgs(image: StageImage & { resolved: string }): RelatedInfo[] | undefined {
  if (image.usedArgs.length === 0) return undefined;
  return relatedToDeclarations(image.usedArgs, (d) => `'${image.resolved}' comes from the default of ARG ${d.name}; pin the tag here.`);
}

/** The stage that ships; undefined while the FROM of its chain is still being typed. */
export function typedShippedStage(model: DockerfileModel, context: RuleContext): Stage | undefined {
  const stage = model.shippedStage(context.buildTarget);
  if (!stage || model.chainOf(stage)[0].image.text === null) return undefined;
  return stage;
}
