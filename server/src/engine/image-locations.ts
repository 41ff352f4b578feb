// Where a file names images, and how a pinned reference would be written there: the FROM image,
// `COPY --from=<image>`, `RUN --mount=…,from=<image>`, the `# syntax=` frontend and Compose `image:`.
// A reference that comes from an ARG default (`ARG BASE=node:22` … `FROM ${BASE}`) is pinned on the
// ARG line. Pinning (lsp/pinning.ts) matches the pinning rules' findings (CG-D001, D002, D003, D005,
// D106, C001, C101) to these locations by range, looks the digest up and writes `pinnedText`.
// Stage names, stage indexes, `scratch` and references that still hold an unknown variable are not images.
import type { Position, Range } from 'vscode-languageserver-types';
import type { ComposeModel } from './compose/model';
import { pulledImages } from './compose/images';
import { UNKNOWN } from './compose/interpolate';
import { isValidReference, parseImageRef } from './dockerfile/image-ref';
import type { DockerfileModel, Instruction, VarDecl } from './dockerfile/model';
import type { FileKind, ModelBase } from './types';

export type ImageUse = 'from' | 'copy-from' | 'mount-from' | 'syntax' | 'compose-image';

export interface ImageLocation {
  use: ImageUse;
  /** Where the image is named (the FROM token, the `from=` value, the `image:` value): findings are matched to it. */
  range: Range;
  /** The reference the build or Compose reads (ARG defaults and Compose defaults applied). */
  reference: string;
  /** The text a pin replaces, with its range: the reference as written, or the ARG default it comes from. Null when it cannot be edited safely. */
  edit: { range: Range; text: string } | null;
  /** The ARG whose default the pin rewrites. */
  arg?: string;
  /** Compose: the services that pull the image. */
  services?: string[];
}

/** The reference with `digest` appended (replacing one that is written), and `tag` when a new one is chosen. */
export function pinnedText(written: string, digest: string, tag?: string): string {
  const ref = parseImageRef(written);
  const newTag = tag ?? ref.tag;
  return `${ref.name}${newTag !== null ? `:${newTag}` : ''}@${digest}`;
}

export function imageLocations(model: ModelBase, kind: FileKind): ImageLocation[] {
  return kind === 'dockerfile' ? dockerfileLocations(model as DockerfileModel) : composeLocations(model as ComposeModel);
}

/** The location whose range holds the position. */
export function locationAt(locations: ImageLocation[], position: Position): ImageLocation | undefined {
  return locations.find((location) => contains(location.range, position) || (location.edit !== null && contains(location.edit.range, position)));
}

/** The location a finding's range is about (the finding may cover only the tag, or the whole flag value). */
export function locationOfRange(locations: ImageLocation[], range: Range): ImageLocation | undefined {
  return locations.find((location) => overlaps(location.range, range));
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function contains(range: Range, position: Position): boolean {
  return !before(position, range.start) && !before(range.end, position);
}

function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function singleLine(range: Range): boolean {
  return range.start.line === range.end.line;
}

/** Whether a resolved value names a registry image (not a stage, an index, scratch, or something unresolved). */
function isImage(model: DockerfileModel, value: string | null): value is string {
  if (value === null || value === '' || value.includes('$')) return false;
  if (/^\d+$/.test(value) || value.toLowerCase() === 'scratch' || model.stageByName(value)) return false;
  return isValidReference(value);
}

// ---------------------------------------------------------------- Dockerfile

function dockerfileLocations(model: DockerfileModel): ImageLocation[] {
  const locations: ImageLocation[] = [];
  const syntax = model.directives.find((directive) => directive.name === 'syntax');
  if (syntax && isValidReference(syntax.value)) {
    locations.push({ use: 'syntax', range: syntax.valueRange, reference: syntax.value, edit: { range: syntax.valueRange, text: syntax.value } });
  }
  for (const stage of model.stages) {
    const image = stage.image;
    if (!image.range || image.text === null || image.isScratch || image.stageRef || !isImage(model, image.resolved)) continue;
    locations.push({ use: 'from', range: image.range, reference: image.resolved, ...writtenOrArg(model, image.text, image.range, image.usedArgs) });
  }
  for (const top of model.instructions) {
    for (const instruction of top.trigger ? [top, top.trigger] : [top]) {
      if (instruction.keyword === 'COPY') locations.push(...copyFrom(model, instruction));
      else if (instruction.keyword === 'RUN') locations.push(...mountFrom(model, instruction));
    }
  }
  return locations.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/**
 * How a pin is written for a token: in place when it is literal; on the ARG line when the token is
 * exactly one ARG reference (`$BASE`, `${BASE}`) whose default is literal; else not at all.
 */
function writtenOrArg(model: DockerfileModel, text: string, range: Range, used: VarDecl[]): Pick<ImageLocation, 'edit' | 'arg'> {
  if (!text.includes('$')) return { edit: singleLine(range) ? { range, text } : null };
  const only = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(text);
  const name = only?.[1] ?? only?.[2];
  const decl = used.length === 1 && used[0].name === name && used[0].kind === 'ARG' ? used[0] : undefined;
  if (!decl || decl.rawValue === null || decl.rawValue.includes('$') || !decl.valueRange || !singleLine(decl.valueRange)) return { edit: null };
  const { source } = model;
  const start = source.offsetAt(decl.valueRange.start);
  const written = source.text.slice(start, source.offsetAt(decl.valueRange.end));
  if (written === decl.rawValue) return { edit: { range: decl.valueRange, text: decl.rawValue }, arg: decl.name };
  // `ARG BASE="node:22"`: the pin goes inside the quotes.
  const quote = written[0];
  if ((quote === '"' || quote === "'") && written === `${quote}${decl.rawValue}${quote}`) {
    return { edit: { range: source.rangeOf(start + 1, start + 1 + decl.rawValue.length), text: decl.rawValue }, arg: decl.name };
  }
  return { edit: null };
}

/** One `from=` value of an instruction flag. */
function flagImage(model: DockerfileModel, instruction: Instruction, use: ImageUse, written: string, range: Range, exact: boolean): ImageLocation | undefined {
  const expansion = written.includes('$') ? model.expand(written, instruction) : undefined;
  const value = expansion ? expansion.value : written;
  if (!isImage(model, value)) return undefined;
  const how = exact ? writtenOrArg(model, written, range, (expansion?.used ?? []).filter((decl) => decl.kind === 'ARG')) : { edit: null };
  return { use, range, reference: value, ...how };
}

function copyFrom(model: DockerfileModel, copy: Instruction): ImageLocation[] {
  const flag = copy.flags.find((f) => f.name.toLowerCase() === 'from');
  if (!flag || flag.value === null || !flag.valueRange) return [];
  const { source } = model;
  const written = source.text.slice(source.offsetAt(flag.valueRange.start), source.offsetAt(flag.valueRange.end));
  const location = flagImage(model, copy, 'copy-from', flag.value, flag.valueRange, written === flag.value);
  return location ? [location] : [];
}

function mountFrom(model: DockerfileModel, run: Instruction): ImageLocation[] {
  const locations: ImageLocation[] = [];
  const { source } = model;
  for (const flag of run.flags) {
    if (flag.name.toLowerCase() !== 'mount' || flag.value === null || !flag.valueRange) continue;
    const base = source.offsetAt(flag.valueRange.start);
    // Only a value written as-is on one line has sub-ranges we can locate and edit.
    if (source.text.slice(base, source.offsetAt(flag.valueRange.end)) !== flag.value) continue;
    let offset = 0;
    for (const part of flag.value.split(',')) {
      const match = /^\s*from\s*=\s*(.*?)\s*$/i.exec(part);
      if (match && match[1] !== '') {
        const start = base + offset + part.indexOf(match[1], part.indexOf('=') + 1);
        const location = flagImage(model, run, 'mount-from', match[1], source.rangeOf(start, start + match[1].length), true);
        if (location) locations.push(location);
      }
      offset += part.length + 1;
    }
  }
  return locations;
}

// ---------------------------------------------------------------- Compose

function composeLocations(model: ComposeModel): ImageLocation[] {
  const byNode = new Map<unknown, ImageLocation>();
  for (const pulled of pulledImages(model)) {
    const { node, scalar, text } = pulled;
    const known = byNode.get(node);
    if (known) {
      if (!known.services!.includes(pulled.service.name)) known.services!.push(pulled.service.name);
      continue;
    }
    if (text.includes(UNKNOWN) || !isValidReference(text)) continue;
    const range = model.rangeOf(node);
    // Edited in place only when the file holds exactly the reference (no interpolation, no block scalar).
    const literal = scalar.verbatim && scalar.text === text && scalar.quote !== undefined && !scalar.interpolated.hasVariables && singleLine(range);
    const start = range.start.character + (scalar.quote ? 1 : 0);
    const editRange: Range = { start: { line: range.start.line, character: start }, end: { line: range.start.line, character: start + text.length } };
    byNode.set(node, { use: 'compose-image', range, reference: text, edit: literal ? { range: editRange, text } : null, services: [pulled.service.name] });
  }
  return [...byNode.values()].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
