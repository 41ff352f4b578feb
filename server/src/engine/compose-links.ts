// Finds the Compose `build.target` that ships a Dockerfile: Compose files in the Dockerfile's
// directory and its ancestors (up to the workspace root) that build it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { composeBuilds, shippedTarget, type ComposeBuild } from './compose/builds';
import { parseCompose } from './compose/model';
import { kindFromFileName } from './file-kind';

/** Compose files larger than this are not read for build links. */
const maxComposeSize = 512 * 1024;

/** `readText` lets the caller supply the editor's unsaved text for open files. */
export function composeBuildsFor(dockerfile: string, stopDir: string | undefined, readText: (file: string) => string | undefined): ComposeBuild[] {
  const builds: ComposeBuild[] = [];
  let dir = path.dirname(path.resolve(dockerfile));
  for (;;) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((name) => kindFromFileName(name) === 'compose').sort();
    } catch {
      // An unreadable directory has no Compose file for us.
    }
    for (const name of names) {
      const file = path.join(dir, name);
      const text = readText(file);
      if (text === undefined || text.length > maxComposeSize) continue;
      builds.push(...composeBuilds(parseCompose(text), dir));
    }
    const parent = path.dirname(dir);
    if (parent === dir || (stopDir && path.resolve(dir) === path.resolve(stopDir))) break;
    dir = parent;
  }
  return builds;
}

export function readFileText(file: string): string | undefined {
  try {
    return fs.statSync(file).size > maxComposeSize ? undefined : fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The stage Compose builds from `dockerfile`, when every build of it names the same target. */
export function buildTargetFor(dockerfile: string, stopDir: string | undefined, readText: (file: string) => string | undefined = readFileText): string | undefined {
  return shippedTarget(composeBuildsFor(dockerfile, stopDir, readText), dockerfile);
}
