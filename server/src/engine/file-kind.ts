// Which files Container Guard analyzes (DESIGN.md "Files recognised"). Other YAML is never analyzed.
import type { FileKind } from './types';

const dockerfileName = /^(?:(?:docker|container)file(?:\..+)?|.+\.(?:docker|container)file)$/i;
// `compose.yaml`, `docker-compose.override.yml`, and the `docker-compose-<x>.yml` / `compose-<x>.yaml` of real projects.
const composeName = /^(?:docker-)?compose(?:[.-][^/\\]+)?\.ya?ml$/i;

/** The base name of a path or URI, accepting both `/` and Windows `\` separators. */
export function baseName(pathOrUri: string): string {
  let path = pathOrUri;
  const query = path.search(/[?#]/);
  if (query >= 0 && /^[a-z][a-z0-9+.-]*:/i.test(path)) path = path.slice(0, query);
  const parts = path.split(/[\\/]/);
  let name = parts[parts.length - 1] ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // A literal % in a plain path: keep the name as written.
  }
  return name;
}

export function kindFromFileName(pathOrUri: string): FileKind | undefined {
  const name = baseName(pathOrUri);
  if (dockerfileName.test(name)) return 'dockerfile';
  if (composeName.test(name)) return 'compose';
  return undefined;
}

/**
 * The kind of an open document: the language id decides for `dockerfile` and `dockercompose`;
 * plain `yaml` documents only when the file name is a Compose name.
 */
export function kindOfDocument(uri: string, languageId: string): FileKind | undefined {
  if (languageId === 'dockerfile') return 'dockerfile';
  if (languageId === 'dockercompose') return 'compose';
  if (languageId === 'yaml') return kindFromFileName(uri) === 'compose' ? 'compose' : undefined;
  return kindFromFileName(uri);
}
