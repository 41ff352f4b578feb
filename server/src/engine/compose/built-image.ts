// The image a Compose service builds (catalogue §4.1, G-C13): its Dockerfile — `build: ./dir`,
// `build.context` + `build.dockerfile` (relative to the context, default `Dockerfile`) or
// `build.dockerfile_inline` — and the stage that ships (`build.target`, else the last). Compose-side
// rules (CG-C065 health check, CG-C113 user, CG-C107 build args) read the image from here.
//
// Relative paths are resolved against the Compose file's folder; in the merged project model they are
// already absolute (compose/project-files.ts). A remote context, an unknown variable, a missing file or a
// target that names no stage leave the image unknown: rules then say nothing rather than guess.
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { parseDockerfile, type DockerfileModel, type Stage } from '../dockerfile/model';
import type { RuleContext } from '../types';
import type { ComposeModel, ComposeService } from './model';

export interface BuiltImage {
  dockerfile: DockerfileModel;
  /** The Dockerfile on disk (absolute); undefined for `dockerfile_inline`. */
  path?: string;
  /** The Dockerfile's URI, for related information; undefined for `dockerfile_inline`. */
  uri?: string;
  /** How messages name it: `app/Dockerfile` (relative to the Compose file) or `dockerfile_inline`. */
  label: string;
  /** `build.target`, when set. */
  target?: string;
  /** The stage that ships. */
  stage: Stage;
}

const remoteContext = /^[a-z][a-z0-9+.-]*:\/\/|^git@/i;

/** The image the service builds, when its Dockerfile can be read and parsed; undefined otherwise. */
export function builtImage(model: ComposeModel, service: ComposeService, context: RuleContext): BuiltImage | undefined {
  const entry = service.view?.get('build');
  if (!entry?.value) return undefined;
  const known = (value: unknown): string | null | undefined => {
    const scalar = model.scalar(value as never);
    if (!scalar || scalar.isNull) return undefined;
    return scalar.interpolated.known ? scalar.interpolated.value!.trim() : null;
  };
  let contextPath: string | null | undefined;
  let dockerfile: string | null | undefined;
  let inline: string | null | undefined;
  let target: string | null | undefined;
  const short = model.scalar(entry.value);
  if (short) {
    contextPath = known(entry.value);
  } else {
    const build = model.viewOf(entry.rawValue, entry.via);
    if (!build) return undefined;
    contextPath = known(build.get('context')?.value);
    dockerfile = known(build.get('dockerfile')?.value);
    target = known(build.get('target')?.value);
    const inlineEntry = build.get('dockerfile_inline');
    // Inline text is taken as written: Compose interpolates it, but a Dockerfile's own `$VAR` must stay.
    if (inlineEntry) inline = model.scalar(inlineEntry.value)?.text ?? null;
  }
  // Unknown (an unresolved variable): the image is not known.
  if (contextPath === null || dockerfile === null || target === null || inline === null) return undefined;
  let text: string | undefined;
  let file: string | undefined;
  if (inline !== undefined) {
    text = inline;
  } else {
    const context0 = contextPath ?? '.';
    if (remoteContext.test(context0) || !context.filePath) return undefined;
    const contextDir = path.resolve(path.dirname(context.filePath), context0);
    file = path.resolve(contextDir, dockerfile ?? 'Dockerfile');
    text = context.composeProject ? context.composeProject.readOther(file) : context.readFile?.(file);
  }
  if (text === undefined) return undefined;
  const parsed = context.composeProject ? context.composeProject.dockerfile(file ?? `inline\0${service.name}`, text) : parseDockerfile(text, { validate: false });
  if (!parsed.hasFrom) return undefined;
  const stage = parsed.shippedStage(target || undefined);
  if (!stage) return undefined;
  const label = file === undefined ? 'dockerfile_inline' : relativeLabel(context.filePath, file);
  return { dockerfile: parsed, path: file, uri: file === undefined ? undefined : URI.file(file).toString(), label, target: target || undefined, stage };
}

function relativeLabel(composeFile: string | undefined, file: string): string {
  if (!composeFile) return file;
  const relative = path.relative(path.dirname(composeFile), file);
  return relative.split(path.sep).join('/');
}
