// Compose `volumes:` short syntax, split as compose-go `format/volume.go` does: `source:target[:options]`,
// where a `:` right after a single drive letter belongs to a Windows path (`C:\data:/data`).
import { UNKNOWN } from './interpolate';

export interface ShortVolume {
  /** Host path or volume name; undefined for an anonymous volume (`/data`). */
  source: string | undefined;
  target: string;
  options: string;
}

export function parseShortVolume(spec: string): ShortVolume {
  // Fields are cut out with slices, not built a character at a time: rules read every volume of every service.
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < spec.length && fields.length < 2; i++) {
    if (spec.charCodeAt(i) !== 0x3a /* : */) continue;
    if (i - start === 1 && /\p{L}/u.test(spec[start])) continue; // a drive letter's colon
    fields.push(spec.slice(start, i));
    start = i + 1;
  }
  fields.push(spec.slice(start));
  if (fields.length === 1) return { source: undefined, target: fields[0], options: '' };
  return { source: fields[0], target: fields[1], options: fields[2] ?? '' };
}

/** Whether a volume source is a host path rather than a named volume (compose-go `isFilePath`). */
export function isHostPath(source: string): boolean {
  if (source === '') return false;
  if ('./~'.includes(source[0])) return true;
  if (source.startsWith('\\\\')) return true;
  if (/^\p{L}:/u.test(source)) return true;
  // `${XDG_RUNTIME_DIR}/docker.sock`: an unknown prefix followed by a path.
  return source.startsWith(UNKNOWN) && /[/\\]/.test(source);
}

/** Whether a host path is the Docker daemon socket: its last segment is `docker.sock`. */
export function isDockerSocket(path: string): boolean {
  const segments = path.trim().replace(/[/\\]+$/, '').split(/[/\\]/);
  return segments[segments.length - 1].toLowerCase() === 'docker.sock';
}
