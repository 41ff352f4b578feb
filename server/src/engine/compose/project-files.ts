// The Compose project a file belongs to (catalogue §4.7–§4.9), read as `docker compose` reads it:
//
// * the main files, merged in order: `compose.yaml` with `compose.override.yaml` beside it (compose-go
//   `cli/options.go`: the first of `compose.yaml`, `compose.yml`, `docker-compose.yml`,
//   `docker-compose.yaml`, then the first override of `compose.override.yml|yaml`,
//   `docker-compose.override.yml|yaml`), or the files `COMPOSE_FILE` lists in `.env`; another name
//   (`compose.prod.yaml`) is a project of its own, as with `docker compose -f`;
// * `extends: {file: …, service: …}` (and same-file `extends`), resolved per file before the merge;
// * the analyzed file's `include:` items (short, list and long forms), each a project of its own;
// * the `.env` beside the project for interpolation (secret-looking values stay unknown, dotenv.ts).
//
// Every file is read through the caller's `readFile` (the editor's open texts win over the disk) and
// the reading is bounded: at most `PROJECT_LIMITS.files` files and `bytes` characters, `depth` levels
// of includes or extends; cycles, missing files and the limits give a problem on the item of the
// analyzed file that leads there, never a hang.
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import { parseDockerfile, type DockerfileModel } from '../dockerfile/model';
import type { Diagnosed, SyntaxProblem } from '../types';
import { chainLookups, parseDotEnv } from './dotenv';
import { interpolate, type VariableLookup } from './interpolate';
import { parseCompose, type ComposeModel, type ComposeService, type MapView } from './model';
import { fromYaml, mergeNodes, newBudget, plain, settle, writtenBy, type Budget, type MapNode, type MergeNode } from './project-merge';
import { contentEnd, type Node } from './yaml-ast';

export const PROJECT_LIMITS = {
  /** Files read for one project, the analyzed one excluded. */
  files: 32,
  /** Characters read for one project, the analyzed file excluded. */
  bytes: 2 * 1024 * 1024,
  /** Nesting of `include:` and chains of `extends:`. */
  depth: 8,
};

/** The source of project problems (missing files, cycles, limits). */
export const PROJECT_PROBLEM_SOURCE = 'container-guard';

export const BASE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const OVERRIDE_FILE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** One Compose file of the project. */
export interface ProjectFile {
  /** Absolute path. */
  path: string;
  text: string;
  /** Parsed with the variables of the project it belongs to. */
  model: ComposeModel;
  variables: VariableLookup;
}

/** An `include:` item of the analyzed file and every file it brings in (its own includes too). */
export interface IncludeItem {
  /** The item in the analyzed file. */
  range: Range;
  /** The first path of the item, as written. */
  label: string;
  files: ProjectFile[];
}

/** A file that writes part of a merged service: a main file that defines it, or the base of an `extends`. */
export interface ServiceSource {
  file: ProjectFile;
  /** The service's name in that file (an `extends` base may have another name). */
  service: string;
  how: 'defines' | 'extends';
}

export interface MergedService {
  name: string;
  /** The first main file that defines the service: its absence findings belong there (§4.9). */
  home: ProjectFile;
  /** Every contribution in merge order (bases of `extends` before what extends them). */
  sources: ServiceSource[];
  value: MapNode;
}

/** A finding of another file whose value reaches a service of the analyzed file (CG-C110). */
export interface ReceivedRisk {
  /** Where it is shown in the analyzed file: the receiving service's key, or the `include:` item. */
  range: Range;
  /** The receiving service, or undefined for an `include:` item. */
  service?: string;
  /** The include item's path, for an `include:` item. */
  include?: string;
  /** The file that writes the value (absolute). */
  file: string;
  finding: Diagnosed;
}

export interface ProjectOptions {
  /** Analyzes another file of the project on its own (settings and suppressions applied), for CG-C110. */
  analyzeMember?: (file: string, text: string, variables: VariableLookup) => Diagnosed[];
  /** The model of the analyzed file's previous version, while it is edited (see `parseCompose`). */
  previous?: ComposeModel;
  /** See ComposeParseOptions.fixesWhenRead. */
  fixesWhenRead?: boolean;
}

const remote = /^[a-z][a-z0-9+.-]*:\/\/|^git@/i;
const none: VariableLookup = () => undefined;

export class ComposeProject {
  /** The analyzed file. */
  readonly self: ProjectFile;
  /** The main files in merge order (the analyzed one among them). */
  readonly files: ProjectFile[] = [];
  /** The analyzed file's `include:` items. */
  readonly includes: IncludeItem[] = [];
  /** Missing files, cycles and limits, on the item of the analyzed file that leads there. */
  readonly problems: SyntaxProblem[] = [];
  /** Every path read, found or not: a change to one of them changes the analysis. */
  readonly read = new Set<string>();
  /** The project's interpolation variables (its `.env`). */
  readonly variables: VariableLookup;

  private readonly loaded = new Map<string, ProjectFile | undefined>();
  private bytes = 0;
  private limitReported = false;
  private readonly budget: Budget = newBudget();
  private mergedServices: Map<string, MergedService> | undefined;
  /** The merged project as one model; null when the project is the analyzed file alone. */
  private mergedCache: ComposeModel | null | undefined;
  private readonly memberCache = new Map<string, Diagnosed[]>();
  private readonly dockerfiles = new Map<string, { text: string; model: DockerfileModel }>();

  constructor(
    file: string,
    text: string,
    private readonly readFile: (file: string) => string | undefined,
    private readonly options: ProjectOptions = {},
  ) {
    const dir = path.dirname(file);
    const dotenv = this.readText(path.join(dir, '.env'));
    const env = dotenv === undefined ? undefined : parseDotEnv(dotenv);
    this.variables = env?.lookup ?? none;
    this.self = { path: file, text, model: parseCompose(text, { variables: this.variables, previous: options.previous, fixesWhenRead: options.fixesWhenRead }), variables: this.variables };
    this.loaded.set(file, this.self);
    for (const member of this.mainPaths(file, env?.values.get('COMPOSE_FILE'), env?.values.get('COMPOSE_PATH_SEPARATOR'))) {
      const loaded = member === file ? this.self : this.load(member, this.variables);
      if (loaded) this.files.push(loaded);
    }
    if (!this.files.includes(this.self)) this.files.unshift(this.self);
    this.collectIncludes();
  }

  // ---- reading ------------------------------------------------------------------------------------

  private readText(file: string): string | undefined {
    this.read.add(file);
    return this.readFile(file);
  }

  /** A Compose file of the project, parsed once; undefined when missing or over the limits. */
  private load(file: string, variables: VariableLookup, culprit?: Range): ProjectFile | undefined {
    if (this.loaded.has(file)) return this.loaded.get(file);
    if (this.loaded.size > PROJECT_LIMITS.files || this.bytes > PROJECT_LIMITS.bytes) {
      this.limit(culprit);
      return undefined;
    }
    const text = this.readText(file);
    let loaded: ProjectFile | undefined;
    if (text !== undefined) {
      this.bytes += text.length;
      loaded = { path: file, text, model: parseCompose(text, { variables }), variables };
    }
    this.loaded.set(file, loaded);
    return loaded;
  }

  private limit(culprit: Range | undefined): void {
    if (this.limitReported || !culprit) return;
    this.limitReported = true;
    this.problem(culprit, `This project is larger than Container Guard reads (${PROJECT_LIMITS.files} files or ${PROJECT_LIMITS.bytes / 1024 / 1024} MB besides this file): the files beyond that are not analyzed.`);
  }

  private problem(range: Range, message: string): void {
    this.problems.push({ source: PROJECT_PROBLEM_SOURCE, severity: 'warning', range, message });
  }

  /** A path as the analyzed file's folder sees it (for messages). */
  label(file: string): string {
    const relative = path.relative(path.dirname(this.self.path), file);
    return (relative === '' ? path.basename(file) : relative).split(path.sep).join('/');
  }

  /** The main files of the project of `file`, in merge order (see the header). */
  private mainPaths(file: string, composeFile: string | undefined, separator: string | undefined): string[] {
    const dir = path.dirname(file);
    if (composeFile) {
      const listed = composeFile.split(separator || path.delimiter).filter((entry) => entry.trim() !== '').map((entry) => path.resolve(dir, entry.trim()));
      if (listed.includes(file)) return listed.slice(0, PROJECT_LIMITS.files);
      return [file];
    }
    const name = path.basename(file);
    const exists = (candidate: string) => candidate === file || this.readText(candidate) !== undefined;
    const isBase = BASE_FILE_NAMES.includes(name);
    const isOverride = OVERRIDE_FILE_NAMES.includes(name);
    if (!isBase && !isOverride) return [file];
    const base = BASE_FILE_NAMES.map((candidate) => path.join(dir, candidate)).find(exists);
    const override = OVERRIDE_FILE_NAMES.map((candidate) => path.join(dir, candidate)).find(exists);
    // Compose reads the first base name it finds and the first override: another one is not merged.
    if (isBase) return base === file && override ? [file, override] : [file];
    return base && override === file ? [base, file] : [file];
  }

  // ---- include -------------------------------------------------------------------------------------

  private collectIncludes(): void {
    const model = this.self.model;
    for (const document of model.documents) {
      const entry = document.root?.get('include');
      if (!entry) continue;
      for (const item of model.entryItems(entry)) {
        if (!item.node) continue;
        const range = model.rangeOf(item.node);
        const spec = includeSpec(model, item.node, this.variables);
        if (!spec) continue;
        const dir = path.dirname(this.self.path);
        const paths = spec.paths.map((entry) => path.resolve(dir, entry));
        const include: IncludeItem = { range, label: spec.paths[0] ?? '', files: [] };
        const variables = this.includeVariables(dir, paths, spec);
        for (const file of paths) this.include(file, variables, include, [this.self.path], 1);
        this.includes.push(include);
      }
    }
  }

  /** An included project's variables: its `env_file`s, else the `.env` of its project directory. */
  private includeVariables(dir: string, paths: string[], spec: IncludeSpec): VariableLookup {
    const envFiles = spec.envFiles.length > 0 ? spec.envFiles.map((entry) => path.resolve(dir, entry)) : [path.join(spec.projectDirectory ? path.resolve(dir, spec.projectDirectory) : path.dirname(paths[0] ?? dir), '.env')];
    const lookups = envFiles.map((file) => {
      const text = this.readText(file);
      return text === undefined ? undefined : parseDotEnv(text).lookup;
    });
    return chainLookups(...lookups.reverse());
  }

  private include(file: string, variables: VariableLookup, item: IncludeItem, stack: string[], depth: number): void {
    const shown = this.label(file);
    if (stack.includes(file)) {
      this.problem(item.range, `"${this.label(stack[stack.length - 1])}" includes "${shown}" again, a cycle: it is not followed.`);
      return;
    }
    if (depth > PROJECT_LIMITS.depth) {
      this.problem(item.range, `Includes are nested more than ${PROJECT_LIMITS.depth} levels deep below "${item.label}": the deeper ones are not analyzed.`);
      return;
    }
    const loaded = this.load(file, variables, item.range);
    if (!loaded) {
      if (this.loaded.has(file)) this.problem(item.range, depth === 1 ? `The included file "${shown}" was not found: Compose stops with an error.` : `"${shown}", included through "${item.label}", was not found: Compose stops with an error.`);
      return;
    }
    if (item.files.includes(loaded)) return;
    item.files.push(loaded);
    const model = loaded.model;
    for (const document of model.documents) {
      const entry = document.root?.get('include');
      if (!entry) continue;
      for (const next of model.entryItems(entry)) {
        const spec = next.node ? includeSpec(model, next.node, variables) : undefined;
        for (const entryPath of spec?.paths ?? []) this.include(path.resolve(path.dirname(file), entryPath), variables, item, stack.concat(file), depth + 1);
      }
    }
  }

  // ---- merged services ----------------------------------------------------------------------------

  /** Whether the merged project differs from the analyzed file alone (other files or `extends`). */
  get isMerged(): boolean {
    return this.files.length > 1 || this.files.some((file) => file.model.services.some((service) => service.view?.has('extends')));
  }

  /** The services of the main files, `extends` resolved per file, merged in file order. */
  services(): Map<string, MergedService> {
    if (this.mergedServices) return this.mergedServices;
    const merged = new Map<string, MergedService>();
    for (const file of this.files) {
      for (const service of file.model.services) {
        const resolved = this.resolve(file, service.name, []);
        if (!resolved) continue;
        const existing = merged.get(service.name);
        if (!existing) {
          const value = settle(resolved.value) as MapNode;
          merged.set(service.name, { name: service.name, home: file, sources: resolved.sources, value });
          continue;
        }
        const value = mergeNodes(existing.value, resolved.value);
        existing.value = value?.kind === 'map' ? value : { kind: 'map', entries: new Map(), file: file.path };
        existing.sources.push(...resolved.sources);
      }
    }
    this.mergedServices = merged;
    return merged;
  }

  /** A service of one file with its `extends` chain applied (bases from other files loaded). */
  private resolve(file: ProjectFile, name: string, stack: string[]): { value: MapNode; sources: ServiceSource[] } | undefined {
    const service = file.model.services.find((candidate) => candidate.name === name);
    const view = service?.view;
    if (!service || !view) return undefined;
    const value = this.serviceValue(file, view);
    const sources: ServiceSource[] = [{ file, service: name, how: stack.length === 0 ? 'defines' : 'extends' }];
    const extendsEntry = view.get('extends');
    value.entries.delete('extends');
    if (!extendsEntry) return { value, sources };
    const culprit = file === this.self ? file.model.rangeOf(extendsEntry.keyNode) : undefined;
    const target = extendsTarget(file.model, extendsEntry.rawValue, file.variables);
    if (!target) return { value, sources };
    const key = `${file.path}\0${name}`;
    if (stack.includes(key)) {
      if (culprit) this.problem(culprit, `Service "${name}" extends itself (directly or through other services): the cycle is not followed.`);
      return { value, sources };
    }
    if (stack.length >= PROJECT_LIMITS.depth) {
      if (culprit) this.problem(culprit, `"extends" chains longer than ${PROJECT_LIMITS.depth} services are not followed.`);
      return { value, sources };
    }
    let baseFile: ProjectFile | undefined = file;
    if (target.file !== undefined) {
      const other = path.resolve(path.dirname(file.path), target.file);
      baseFile = other === file.path ? file : this.load(other, file.variables, culprit);
      if (!baseFile) {
        if (culprit && this.loaded.has(other)) this.problem(culprit, `The file "${this.label(other)}" that service "${name}" extends was not found: Compose stops with an error.`);
        return { value, sources };
      }
    }
    const base = this.resolve(baseFile, target.service, stack.concat(key));
    if (!base) {
      if (culprit) this.problem(culprit, `Service "${name}" extends "${target.service}", which ${baseFile === file ? 'this file' : `"${this.label(baseFile.path)}"`} does not define.`);
      return { value, sources };
    }
    const extended = mergeNodes(base.value, value);
    return { value: extended?.kind === 'map' ? extended : value, sources: base.sources.map((source): ServiceSource => ({ ...source, how: 'extends' })).concat(sources) };
  }

  /** A service's mapping as a value tree, with `build` and `env_file` paths made absolute (relative to its file). */
  private serviceValue(file: ProjectFile, view: MapView): MapNode {
    const entries = new Map<string, MergeNode>();
    for (const entry of view.entries) entries.set(entry.key, fromYaml(file.model, entry.rawValue, file.path, this.budget));
    const dir = path.dirname(file.path);
    const absolute = (node: MergeNode | undefined): void => {
      if (node?.kind !== 'scalar' || typeof node.value !== 'string') return;
      const interpolated = interpolate(node.value, file.variables);
      if (!interpolated.known || remote.test(interpolated.value!)) return;
      // `$` is escaped again: the merged text is interpolated once more when it is parsed.
      node.value = path.resolve(dir, interpolated.value!).replace(/\$/g, '$$$$');
    };
    const build = entries.get('build');
    if (build?.kind === 'scalar') absolute(build);
    else if (build?.kind === 'map') absolute(build.entries.get('context'));
    const envFile = entries.get('env_file');
    for (const item of envFile?.kind === 'seq' ? envFile.items : [envFile]) absolute(item?.kind === 'map' ? item.entries.get('path') : item);
    return { kind: 'map', entries, file: file.path };
  }

  /**
   * The merged project as one Compose model (services and top-level sections), for the absence rules;
   * undefined when the project is the analyzed file alone.
   */
  mergedModel(): ComposeModel | undefined {
    if (this.mergedCache !== undefined) return this.mergedCache ?? undefined;
    if (!this.isMerged) {
      this.mergedCache = null;
      return undefined;
    }
    const root = new Map<string, unknown>();
    const services = new Map<string, unknown>();
    for (const [name, service] of this.services()) services.set(name, plain(service.value));
    root.set('services', services);
    for (const section of ['networks', 'volumes', 'secrets', 'configs']) {
      const merged = new Map<string, MergeNode>();
      for (const file of this.files) {
        for (const item of file.model.topLevel(section)) {
          const value = mergeNodes(merged.get(item.name), fromYaml(file.model, item.entry.rawValue, file.path, this.budget));
          if (value) merged.set(item.name, value);
          else merged.delete(item.name);
        }
      }
      if (merged.size > 0) root.set(section, new Map([...merged].map(([name, value]) => [name, plain(value)])));
    }
    const text = stringify(root, { aliasDuplicateObjects: false, lineWidth: 0 });
    this.mergedCache = parseCompose(text, { variables: this.variables });
    return this.mergedCache;
  }

  /** Whether the tree was cut at the node budget (a project too large to merge completely). */
  get truncated(): boolean {
    return this.budget.exhausted;
  }

  // ---- what other files bring in (CG-C110) ----------------------------------------------------------

  /** The findings of another file of the project analyzed on its own (cached). */
  memberFindings(file: ProjectFile): Diagnosed[] {
    let findings = this.memberCache.get(file.path);
    if (!findings) {
      findings = this.options.analyzeMember?.(file.path, file.text, file.variables) ?? [];
      this.memberCache.set(file.path, findings);
    }
    return findings;
  }

  /**
   * Findings of other files whose value the merged project gives to a service that the analyzed file
   * defines first (an override, the base of an `extends` from another file), or that an `include:`
   * item of the analyzed file brings in. `counts` picks the findings (CG-C110: presence, Error or Warning).
   */
  receivedRisks(counts: (finding: Diagnosed) => boolean): ReceivedRisk[] {
    const risks: ReceivedRisk[] = [];
    // The analyzed file alone (no other main file, no `extends`): only its `include:` items can bring risks.
    for (const service of this.isMerged ? this.services().values() : []) {
      if (service.home !== this.self) continue;
      const receiver = this.self.model.services.find((candidate) => candidate.name === service.name);
      if (!receiver) continue;
      const seen = new Set<Diagnosed>();
      for (const source of service.sources) {
        if (source.file === this.self) continue;
        for (const finding of this.memberFindings(source.file)) {
          if (seen.has(finding) || !counts(finding)) continue;
          const key = keyOfFinding(source.file.model, source.service, finding);
          if (key === undefined) continue;
          // The value must survive the merge: a later file may replace or `!reset` it.
          if (key !== null && !writtenBy(service.value.entries.get(key), source.file.path)) continue;
          seen.add(finding);
          risks.push({ range: receiver.keyRange, service: service.name, file: source.file.path, finding });
        }
      }
    }
    for (const item of this.includes) {
      for (const file of item.files) {
        for (const finding of this.memberFindings(file)) if (counts(finding)) risks.push({ range: item.range, include: item.label, file: file.path, finding });
      }
    }
    return risks;
  }

  // ---- built images ------------------------------------------------------------------------------------

  /** A Dockerfile's model, parsed once per project while its text is the same. */
  dockerfile(key: string, text: string): DockerfileModel {
    const known = this.dockerfiles.get(key);
    if (known && known.text === text) return known.model;
    const model = parseDockerfile(text, { validate: false });
    this.dockerfiles.set(key, { text, model });
    return model;
  }

  /** Reads a file beside the project (a Dockerfile), recorded as read. */
  readOther(file: string): string | undefined {
    return this.readText(file);
  }
}

interface IncludeSpec {
  paths: string[];
  envFiles: string[];
  projectDirectory: string | undefined;
}

/** `- path`, `- path: x`, `- path: [x, y]` with `env_file` and `project_directory`; unknown variables skip the item. */
function includeSpec(model: ComposeModel, node: Node, variables: VariableLookup): IncludeSpec | undefined {
  const text = (value: Node | null | undefined): string | undefined => {
    const scalar = model.scalar(value);
    if (!scalar || scalar.isNull) return undefined;
    const interpolated = interpolate(scalar.text, variables);
    return interpolated.known ? interpolated.value!.trim() : undefined;
  };
  const list = (value: Node | null | undefined): string[] => {
    const single = text(value);
    if (single !== undefined) return [single];
    return model.items(value).map((item) => text(item.node)).filter((entry): entry is string => entry !== undefined && entry !== '');
  };
  const short = text(node);
  if (short !== undefined) return short === '' ? undefined : { paths: [short], envFiles: [], projectDirectory: undefined };
  const view = model.viewOf(node);
  if (!view) return undefined;
  const paths = list(view.get('path')?.rawValue);
  if (paths.length === 0) return undefined;
  return { paths, envFiles: list(view.get('env_file')?.rawValue), projectDirectory: text(view.get('project_directory')?.rawValue) };
}

/** `extends: base` or `extends: {service: base, file: other.yaml}`; undefined when unknown. */
function extendsTarget(model: ComposeModel, value: Node | null, variables: VariableLookup): { service: string; file?: string } | undefined {
  const text = (node: Node | null | undefined): string | undefined => {
    const scalar = model.scalar(node);
    if (!scalar || scalar.isNull) return undefined;
    const interpolated = interpolate(scalar.text, variables);
    return interpolated.known ? interpolated.value!.trim() : undefined;
  };
  const short = text(value);
  if (short) return { service: short };
  const view = model.viewOf(value);
  const service = text(view?.get('service')?.rawValue);
  if (!service) return undefined;
  return { service, file: text(view?.get('file')?.rawValue) };
}

/**
 * The top-level key of service `name` in `model` under which a finding is written: the key, null when it
 * is in the service's block but not under one of its own keys (or reaches it through an anchor), undefined
 * when the finding is not about that service.
 */
function keyOfFinding(model: ComposeModel, name: string, finding: Diagnosed): string | null | undefined {
  const definitions = model.services.filter((service) => service.name === name).flatMap((service: ComposeService) => service.definitions);
  const offsets = [finding.range, ...(finding.related ?? []).filter((related) => related.uri === undefined).map((related) => related.range)].map((range) =>
    model.source.offsetAt(range.start),
  );
  for (const definition of definitions) {
    const start = definition.keyNode.range?.[0] ?? 0;
    const value = definition.entry.rawValue;
    const end = value ? contentEnd(value, model.source) : (definition.keyNode.range?.[1] ?? start);
    const inside = offsets.filter((offset) => offset >= start && offset <= end);
    if (inside.length === 0) continue;
    // Written in the block itself: the own key that holds it.
    const own = definition.ownMap;
    for (const pair of own?.items ?? []) {
      const key = pair.key as Node | null;
      const pairStart = key?.range?.[0];
      const pairEnd = pair.value ? contentEnd(pair.value as Node, model.source) : key?.range?.[1];
      if (pairStart === undefined || pairEnd === undefined) continue;
      if (offsets[0] >= pairStart && offsets[0] <= pairEnd) {
        const written = model.scalar(key);
        return written && !written.isNull ? written.text : null;
      }
    }
    return null;
  }
  return undefined;
}
