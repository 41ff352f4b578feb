// Finds the Compose `build.target` that ships a Dockerfile: Compose files in the Dockerfile's
// directory and its ancestors (up to the workspace root) that build it.
import * as path from 'node:path';
import { composeBuilds, shippedTarget, type ComposeBuild } from './compose/builds';
import { parseCompose } from './compose/model';
import { kindFromFileName } from './file-kind';
import { disk, type DiskReader } from './fs-cache';

/** Compose files larger than this are not read for build links. */
const maxComposeSize = 512 * 1024;

/** `readText` lets the caller supply the editor's unsaved text for open files. */
export function composeBuildsFor(dockerfile: string, stopDir: string | undefined, readText: (file: string) => string | undefined, reader: DiskReader = disk): ComposeBuild[] {
  const builds: ComposeBuild[] = [];
  let dir = path.dirname(path.resolve(dockerfile));
  for (;;) {
    // An unreadable directory has no Compose file for us.
    const names = reader.memo('compose-names', dir, () => (reader.list(dir) ?? []).filter((name) => kindFromFileName(name) === 'compose').sort());
    for (const name of names) {
      const file = path.join(dir, name);
      const text = readText(file);
      if (text === undefined || text.length > maxComposeSize) continue;
      builds.push(...buildsOf(file, text, dir, reader));
    }
    const parent = path.dirname(dir);
    if (parent === dir || (stopDir && path.resolve(dir) === path.resolve(stopDir))) break;
    dir = parent;
  }
  return builds;
}

/** The builds of one Compose file's text; parsed once per reader that remembers (see fs-cache) while the text is the same. */
function buildsOf(file: string, text: string, dir: string, reader: DiskReader): ComposeBuild[] {
  const memo = reader.memo('compose-builds', file, () => ({ text, builds: composeBuilds(parseCompose(text), dir) }));
  return memo.text === text ? memo.builds : composeBuilds(parseCompose(text), dir);
}

export function readFileText(file: string, reader: DiskReader = disk): string | undefined {
  const stat = reader.stat(file);
  return !stat || stat.size > maxComposeSize ? undefined : reader.readText(file);
}

/** The stage Compose builds from `dockerfile`, when every build of it names the same target. */
export function buildTargetFor(
  dockerfile: string,
  stopDir: string | undefined,
  readText: (file: string) => string | undefined = readFileText,
  reader: DiskReader = disk,
): string | undefined {
  return shippedTarget(composeBuildsFor(dockerfile, stopDir, readText, reader), dockerfile);
}
