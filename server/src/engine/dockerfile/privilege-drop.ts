// Images that start as root on purpose and drop privileges at runtime (catalogue §6.3): their
// entrypoint prepares volumes and files as root, then runs the service as an unprivileged user with
// `gosu`, `su-exec`, `setpriv`, `runuser`, `chpst`, `s6-setuidgid` or under s6-overlay. For them,
// "no USER" (CG-D020) or "last USER root" (CG-D021, and Compose CG-C113 through the linked Dockerfile)
// is the design, not a mistake, and a USER line would break the entrypoint.
//
// A stage is such an image when the stage or a stage it builds on (`FROM <stage>`):
//   * installs, downloads or copies one of the tools (`apt-get install gosu`, `apk add su-exec`,
//     `curl -o /usr/local/bin/gosu …`, `COPY --from=tianon/gosu /gosu /usr/local/bin/`,
//     `ADD https://github.com/just-containers/s6-overlay/…`);
//   * has an effective ENTRYPOINT or CMD that calls one of them;
//   * or is built on a base image known to start as root and drop (engine/dockerfile/base-images.ts).
import type { Range } from 'vscode-languageserver-types';
import { startsAsRootThenDrops } from './base-images';
import { parseImageRef } from './image-ref';
import type { DockerfileModel, Instruction, Stage } from './model';
import { baseName, commandsOf, programOf } from './shell';

/** Programs that switch to another user and exec the service (and s6-overlay, which runs them). */
export const PRIVILEGE_DROP_TOOLS = ['gosu', 'su-exec', 'setpriv', 'runuser', 'chpst', 's6-setuidgid', 's6-overlay'];

export interface PrivilegeDrop {
  /** How we know: the base image, a RUN/COPY/ADD that brings the tool in, or the ENTRYPOINT/CMD. */
  kind: 'base-image' | 'installs' | 'entrypoint';
  /** The tool, null for a base image. */
  tool: string | null;
  /** A clause for messages: "it installs gosu, …", "its base image 'postgres:16' starts as root …". */
  reason: string;
  /** Where the evidence is: the FROM image, the instruction that brings the tool in, the ENTRYPOINT/CMD. */
  range: Range;
}

/** Commands whose arguments name a tool without bringing it into the image. */
const NOT_BRINGING = new Set(['rm', 'echo', 'printf']);
/** Package-manager verbs that remove what they name (`apt-get purge gosu`, `apk del su-exec`). */
const REMOVE_VERBS = new Set(['remove', 'purge', 'autoremove', 'del', 'erase', 'uninstall']);

/** Whether the stage that ships starts as root to drop privileges at runtime; undefined when not known to. */
export function privilegeDrop(model: DockerfileModel, stage: Stage): PrivilegeDrop | undefined {
  return fromEntrypoint(model, stage) ?? fromInstructions(model, stage) ?? fromBaseImage(model, stage);
}

/** The drop tool a word names: `gosu`, `'su-exec>=0.2'`, `/usr/local/bin/gosu`, `…/tianon/gosu/releases/…/gosu-amd64`. */
export function toolNamed(word: string): string | undefined {
  const value = word.replace(/^--?[A-Za-z][A-Za-z-]*=/, '').toLowerCase(); // `--output=/usr/local/bin/gosu`
  if (!value.includes('/')) {
    // A package name, perhaps with a version constraint (`gosu=1.14-1`, `su-exec>=0.2`).
    const name = value.split(/[=<>~]/)[0];
    return PRIVILEGE_DROP_TOOLS.find((tool) => name === tool);
  }
  // A path or URL: a segment that is the tool, or a release file named after it (`gosu-amd64`,
  // `s6-overlay-noarch.tar.xz`), or a directory of it (`/etc/s6-overlay/s6-rc.d`).
  const segments = value.split(/[/?#]/);
  return PRIVILEGE_DROP_TOOLS.find((tool) => segments.some((s) => s === tool || s.startsWith(`${tool}-`)));
}

function fromBaseImage(model: DockerfileModel, stage: Stage): PrivilegeDrop | undefined {
  const root = model.chainOf(stage)[0] ?? stage;
  const image = root.image;
  if (image.isScratch || !image.range || !startsAsRootThenDrops(image.ref)) return undefined;
  return {
    kind: 'base-image',
    tool: null,
    reason: `its base image '${image.resolved}' starts as root and runs its service as an unprivileged user`,
    range: image.range,
  };
}

function fromInstructions(model: DockerfileModel, stage: Stage): PrivilegeDrop | undefined {
  for (const current of model.chainOf(stage)) {
    for (const instruction of current.instructions) {
      const tool = instruction.keyword === 'RUN' ? installedByRun(model, instruction) : instruction.keyword === 'COPY' || instruction.keyword === 'ADD' ? copiedIn(model, instruction) : undefined;
      if (!tool) continue;
      const verb = instruction.keyword === 'RUN' ? 'installs' : 'copies in';
      return {
        kind: 'installs',
        tool,
        reason: `it ${verb} ${tool}, the tool an entrypoint uses to switch from root to an unprivileged user`,
        range: instruction.keywordRange,
      };
    }
  }
  return undefined;
}

/** A tool that a RUN installs, downloads, unpacks or copies: a word naming it in a command that does not just run it. */
function installedByRun(model: DockerfileModel, run: Instruction): string | undefined {
  for (const command of commandsOf(model, run)) {
    const program = programOf(command);
    // Running the tool (`gosu nobody true`) or removing it says nothing about what ships.
    if (!program || NOT_BRINGING.has(program.name) || PRIVILEGE_DROP_TOOLS.includes(program.name)) continue;
    for (const word of program.args) {
      if (REMOVE_VERBS.has(word.value)) break;
      if (word.value.startsWith('-') && !word.value.includes('=')) continue;
      const tool = toolNamed(word.value);
      if (tool) return tool;
    }
  }
  return undefined;
}

/** A tool that a COPY/ADD brings in: from an image named after it, or a source or destination path naming it. */
function copiedIn(model: DockerfileModel, copy: Instruction): string | undefined {
  const from = copy.flags.find((f) => f.name.toLowerCase() === 'from');
  if (from?.value && !/^\d+$/.test(from.value) && !model.stageByName(from.value)) {
    const tool = toolNamed(parseImageRef(from.value).path);
    if (tool) return tool;
  }
  const words = copy.execForm ?? copy.args.map((a) => a.value);
  for (const word of words) {
    const tool = toolNamed(word);
    if (tool) return tool;
  }
  return undefined;
}

/** The effective ENTRYPOINT or CMD (own or inherited) that calls a tool, also inside `sh -c "…"`. */
function fromEntrypoint(model: DockerfileModel, stage: Stage): PrivilegeDrop | undefined {
  for (const keyword of ['ENTRYPOINT', 'CMD']) {
    const found = model.lastInChain(stage, keyword);
    if (!found) continue;
    const instruction = found.instruction;
    const text = (instruction.execForm ?? [instruction.argsText]).join(' ');
    for (const word of text.split(/[\s;&|()'"`]+/)) {
      const name = baseName(word);
      if (!PRIVILEGE_DROP_TOOLS.includes(name)) continue;
      return {
        kind: 'entrypoint',
        tool: name,
        reason: `its ${keyword} switches from root to an unprivileged user with ${name}`,
        range: instruction.argsRange ?? instruction.keywordRange,
      };
    }
  }
  return undefined;
}
