// Pinning image references to digests and tags from their registries: the "Pin to current digest" and
// "Choose a tag…" quick fixes of the pinning rules, the hover on an image reference, the server command
// and requests behind them, and the wizard's "Pin all images to digests" measure.
//
// Network use (DESIGN "Trust and network"): listing code actions and opening files never asks a
// registry. A pin asks only when the user picks it (`codeAction/resolve`, the command, the wizard), and
// the hover asks whether a tag moved only when `containerGuard.registry.lookup` is on. Answers are
// cached for a few minutes in this object, which the server owns.
import {
  CodeActionKind,
  MarkupKind,
  MessageType,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type ExecuteCommandParams,
  type Hover,
  type InitializeParams,
  type Position,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Analysis } from '../engine/engine';
import { imageLocations, locationAt, locationOfRange, pinnedText, type ImageLocation } from '../engine/image-locations';
import { applyEdits } from '../engine/text';
import type { Diagnosed } from '../engine/types';
import { TtlCache } from '../registry/cache';
import { RegistryClient, RegistryError, type ManifestDigest } from '../registry/client';
import { DockerCredentials } from '../registry/credentials';
import { canonicalString, familiarString, InvalidReferenceError, parseReference, tagOrLatest, type Reference } from '../registry/reference';
import { sortTags } from '../registry/tags';
import {
  chooseTagClientCommand,
  listTagsRequest,
  pinDigestCommand,
  pinEditRequest,
  type ImagePositionParams,
  type ListTagsResult,
  type PinEditParams,
  type PinEditResult,
} from '../protocol';

/** The rules whose findings get the pinning actions (catalogue: D001–D003, D005, D106, C001, C101). */
export const pinningRules = new Set(['CG-D001', 'CG-D002', 'CG-D003', 'CG-D005', 'CG-D106', 'CG-C001', 'CG-C101']);

const PIN_TITLE = 'Pin to current digest';
const CHOOSE_TITLE = 'Choose a tag…';
/** How long a digest or a tag list is reused. */
const DIGEST_TTL_MS = 5 * 60_000;
const TAGS_TTL_MS = 10 * 60_000;
/** A hover waits this long for the registry; the answer still lands in the cache for the next hover. */
const HOVER_WAIT_MS = 1500;
/** A tag as Docker's reference grammar allows it. */
const TAG = /^[\w][\w.-]{0,127}$/;
/** Lookups of "Pin all images" at once. */
const PARALLEL_LOOKUPS = 6;

/** What an unresolved "Pin to current digest" action carries until `codeAction/resolve`. */
interface PinActionData {
  containerGuardPin: 1;
  uri: string;
  /** The reference as the build reads it. */
  reference: string;
  /** Where it was named when the action was listed. */
  range: Range;
}

function readPinData(data: unknown): PinActionData | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const candidate = data as Partial<PinActionData>;
  if (candidate.containerGuardPin !== 1 || typeof candidate.uri !== 'string' || typeof candidate.reference !== 'string') return undefined;
  const start = candidate.range?.start;
  if (!start || typeof start.line !== 'number' || typeof start.character !== 'number') return undefined;
  return candidate as PinActionData;
}

function isPosition(value: unknown): value is Position {
  const position = value as Position | undefined;
  return !!position && typeof position.line === 'number' && typeof position.character === 'number';
}

/** What pinning needs from the server that owns it. */
export interface PinningHost {
  connection: Connection;
  /** The current analysis of an open, analyzed document (computed now when needed). */
  analysis(uri: string): Promise<Analysis | undefined>;
  /** The analysis of the document's current version if there is one already (hovers never wait for one). */
  currentAnalysis(uri: string): Analysis | undefined;
  /** Whether the user allowed registry lookups without asking (`containerGuard.registry.lookup`, trusted workspaces only). */
  lookupAllowed(): boolean;
  /** Client-side commands the client declared. */
  clientCommands(): ReadonlySet<string>;
}

export interface PinningOptions {
  /** The registry client (tests give one with a short timeout); one with Docker's credentials otherwise. */
  client?: RegistryClient;
}

/** An image location that a pin can edit. */
type EditableLocation = ImageLocation & { edit: NonNullable<ImageLocation['edit']> };

type Located = { location: EditableLocation; reference: Reference } | { error: string };

export class ImagePinning {
  private readonly client: RegistryClient;
  private readonly digests = new TtlCache<ManifestDigest>({ ttlMs: DIGEST_TTL_MS });
  private readonly tags = new TtlCache<string[]>({ ttlMs: TAGS_TTL_MS });
  private readonly locationsOf = new WeakMap<Analysis, ImageLocation[]>();
  /** Whether the client resolves a code action's `edit` lazily (`codeAction/resolve`). */
  private resolveEdits = false;

  constructor(private readonly host: PinningHost, options: PinningOptions = {}) {
    this.client = options.client ?? new RegistryClient({ credentials: new DockerCredentials() });
  }

  /** Server commands to list in `executeCommandProvider`. */
  readonly commands = [pinDigestCommand];
  /** The rules whose findings get the pinning actions. */
  readonly rules: ReadonlySet<string> = pinningRules;

  initialize(params: InitializeParams): void {
    const codeAction = params.capabilities.textDocument?.codeAction;
    this.resolveEdits = !!codeAction?.dataSupport && !!codeAction.resolveSupport?.properties?.includes('edit');
  }

  /** Registers `codeAction/resolve` and the two requests of the "Choose a tag…" picker. */
  register(): void {
    const { connection } = this.host;
    connection.onCodeActionResolve((action) => this.resolve(action));
    connection.onRequest(listTagsRequest, (params: ImagePositionParams) => this.listTags(params));
    connection.onRequest(pinEditRequest, (params: PinEditParams) => this.pinEditRequest(params));
  }

  isCommand(command: string): boolean {
    return command === pinDigestCommand;
  }

  private locations(analysis: Analysis): ImageLocation[] {
    let locations = this.locationsOf.get(analysis);
    if (!locations) {
      locations = imageLocations(analysis.model, analysis.kind);
      this.locationsOf.set(analysis, locations);
    }
    return locations;
  }

  // ---------------------------------------------------------------- code actions

  /** The pinning actions of one finding: computed without any network request. */
  actions(uri: string, analysis: Analysis, finding: Diagnosed, diagnostic: Diagnostic): CodeAction[] {
    if (!pinningRules.has(finding.ruleId)) return [];
    const location = locationOfRange(this.locations(analysis), finding.range);
    if (!location?.edit || !pinnable(location)) return [];
    const actions: CodeAction[] = [];
    const pin: CodeAction = { title: PIN_TITLE, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic] };
    if (this.resolveEdits) {
      const data: PinActionData = { containerGuardPin: 1, uri, reference: location.reference, range: location.range };
      pin.data = data;
    } else {
      pin.command = { title: PIN_TITLE, command: pinDigestCommand, arguments: [uri, location.range.start] };
    }
    actions.push(pin);
    if (this.host.clientCommands().has(chooseTagClientCommand)) {
      actions.push({
        title: CHOOSE_TITLE,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: CHOOSE_TITLE, command: chooseTagClientCommand, arguments: [uri, location.range.start] },
      });
    }
    return actions;
  }

  /** `codeAction/resolve`: the lookup happens now, because the user picked the action. */
  async resolve(action: CodeAction): Promise<CodeAction> {
    const data = readPinData(action?.data);
    if (!data) return action;
    const result = await this.pinEdit(data.uri, data.range.start, undefined, data.reference);
    if ('error' in result) {
      this.showError(result.error);
      return action;
    }
    return { ...action, edit: result.edit };
  }

  // ---------------------------------------------------------------- command and requests

  /** `containerGuard.pinDigest` `[uri, position, tag?]`: pins and applies with `workspace/applyEdit`. */
  async executeCommand(params: ExecuteCommandParams): Promise<null> {
    const [uri, position, tag] = params.arguments ?? [];
    if (typeof uri !== 'string' || !isPosition(position)) return null;
    const result = await this.pinEdit(uri, position, typeof tag === 'string' ? tag : undefined);
    if ('error' in result) this.showError(result.error);
    else if (Object.keys(result.edit.changes ?? {}).length > 0) {
      await this.host.connection.workspace.applyEdit({ label: PIN_TITLE, edit: result.edit }).catch(() => undefined);
    }
    return null;
  }

  private async pinEditRequest(params: PinEditParams): Promise<PinEditResult> {
    const uri = params?.textDocument?.uri;
    if (typeof uri !== 'string' || !isPosition(params.position)) return { error: 'No image reference was given.' };
    return this.pinEdit(uri, params.position, typeof params.tag === 'string' && params.tag !== '' ? params.tag : undefined);
  }

  private async listTags(params: ImagePositionParams): Promise<ListTagsResult> {
    const uri = params?.textDocument?.uri;
    if (typeof uri !== 'string' || !isPosition(params.position)) return { error: 'No image reference was given.' };
    const located = await this.locate(uri, params.position);
    if ('error' in located) return located;
    const { reference } = located;
    try {
      const tags = await this.tags.get(canonicalString({ ...reference, tag: null, digest: null }), () => this.client.listTags(reference));
      return { reference: familiarString(reference), currentTag: reference.tag, tags: sortTags(tags, reference.tag) };
    } catch (error) {
      return { error: `Container Guard could not list the tags of ${familiarString({ ...reference, tag: null, digest: null })}: ${describe(error)}` };
    }
  }

  /**
   * The image reference at a position, editable. With `expected`, the one naming that reference
   * nearest to the position (the document may have changed since the action was listed).
   */
  private async locate(uri: string, position: Position, expected?: string): Promise<Located> {
    const analysis = await this.host.analysis(uri);
    if (!analysis) return { error: 'Container Guard: the document is not open or not analyzed.' };
    const locations = this.locations(analysis);
    let location = locationAt(locations, position);
    if (expected !== undefined && location?.reference !== expected) {
      const distance = (candidate: ImageLocation) => Math.abs(candidate.range.start.line - position.line);
      location = locations.filter((candidate) => candidate.reference === expected).sort((a, b) => distance(a) - distance(b))[0];
    }
    if (!location) return { error: 'Container Guard: there is no image reference there any more.' };
    if (!location.edit) {
      return { error: `Container Guard cannot pin '${location.reference}' in place: it is built from variables. Pin the value it comes from by hand.` };
    }
    try {
      return { location: location as EditableLocation, reference: parseReference(location.reference) };
    } catch (error) {
      return { error: `Container Guard cannot pin '${location.reference}': ${error instanceof InvalidReferenceError ? error.message : describe(error)}.` };
    }
  }

  /** Looks the digest up, then builds the edit against the text as it is after the lookup. */
  private async pinEdit(uri: string, position: Position, tag?: string, expected?: string): Promise<PinEditResult> {
    if (tag !== undefined && !TAG.test(tag)) return { error: `Container Guard: '${tag}' is not a valid tag.` };
    const located = await this.locate(uri, position, expected);
    if ('error' in located) return located;
    const { reference } = located;
    if (tag === undefined && reference.digest !== null && reference.tag === null) {
      return { error: `Container Guard: '${located.location.reference}' is pinned to a digest and names no tag to look up.` };
    }
    const wanted: Reference = { ...reference, tag: tag ?? reference.tag, digest: null };
    let digest: ManifestDigest;
    try {
      digest = await this.digest(wanted);
    } catch (error) {
      return { error: `Container Guard could not pin ${familiarString(wanted)}: ${describe(error)}` };
    }
    const now = await this.locate(uri, located.location.range.start, located.location.reference);
    if ('error' in now) return now;
    const newText = pinnedText(now.location.edit.text, digest.digest, tag);
    const changes = newText === now.location.edit.text ? {} : { [uri]: [{ range: now.location.edit.range, newText }] };
    return { edit: { changes } };
  }

  private digest(reference: Reference): Promise<ManifestDigest> {
    return this.digests.get(canonicalString(reference), () => this.client.resolveDigest(reference));
  }

  private showError(message: string): void {
    void this.host.connection.sendNotification('window/showMessage', { type: MessageType.Error, message });
  }

  // ---------------------------------------------------------------- hover

  /** The hover on an image reference: what it resolves to, its digest, and the pin links. */
  async hover(uri: string, position: Position): Promise<Hover | null> {
    // While the document is being analyzed, the library's hover answers: a hover never waits.
    const analysis = this.host.currentAnalysis(uri);
    if (!analysis) return null;
    const location = locationAt(this.locations(analysis), position);
    if (!location) return null;
    let reference: Reference;
    try {
      reference = parseReference(location.reference);
    } catch {
      return null;
    }
    const lines: string[] = [];
    const canonical = canonicalString(reference);
    lines.push(`**Image** \`${location.reference}\`${canonical !== location.reference ? ` → \`${canonical}\`` : ''}`);
    if (location.arg) lines.push(`From the default of \`ARG ${location.arg}\`.`);
    if (location.services) lines.push(`Pulled by ${location.services.length === 1 ? 'service' : 'services'} ${location.services.map((name) => `\`${name}\``).join(', ')}.`);
    lines.push(reference.digest !== null ? `Digest in the file: \`${reference.digest}\`.` : 'Not pinned to a digest: the tag can be moved to another image.');

    let moved = reference.digest === null;
    if (this.host.lookupAllowed() && (reference.tag !== null || reference.digest === null)) {
      const tag = tagOrLatest(reference);
      const current = await this.currentDigestForHover({ ...reference, digest: null });
      if (typeof current === 'string') lines.push(current);
      else if (reference.digest === null) lines.push(`The tag \`${tag}\` points to \`${current.digest}\` now${current.multiPlatform ? ' (a multi-platform index)' : ''}.`);
      else if (current.digest === reference.digest) lines.push(`The tag \`${tag}\` still points to this digest.`);
      else {
        moved = true;
        lines.push(`The tag \`${tag}\` now points elsewhere: \`${current.digest}\`.`);
      }
    } else if (!this.host.lookupAllowed()) {
      lines.push('_Registry lookups are off (`containerGuard.registry.lookup`): a pin asks the registry only when you pick it._');
    }
    const links: string[] = [];
    if (location.edit && moved && (reference.tag !== null || reference.digest === null)) {
      links.push(commandLink(reference.digest === null ? PIN_TITLE : 'Re-pin to current digest', pinDigestCommand, [uri, location.range.start]));
    }
    if (location.edit && this.host.clientCommands().has(chooseTagClientCommand)) {
      links.push(commandLink(CHOOSE_TITLE, chooseTagClientCommand, [uri, location.range.start]));
    }
    if (links.length > 0) lines.push(links.join(' · '));
    return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range: location.range };
  }

  /** The tag's current digest, or a sentence saying why it is not known (yet). */
  private async currentDigestForHover(reference: Reference): Promise<ManifestDigest | string> {
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('_Still asking the registry; hover again in a moment._'), HOVER_WAIT_MS);
    });
    try {
      return await Promise.race([this.digest(reference), wait]);
    } catch (error) {
      return `Could not check the registry: ${describe(error)}`;
    } finally {
      clearTimeout(timer);
    }
  }

  // ---------------------------------------------------------------- wizard

  /** Whether a file has an image reference that "Pin all images to digests" would pin (no network). */
  hasPinnable(analysis: Analysis): boolean {
    return this.locations(analysis).some((location) => location.edit !== null && pinnable(location));
  }

  /**
   * "Pin all images to digests" on a text: every editable reference without a digest gets its tag's
   * current digest. References that fail are left as they are and named in one message.
   */
  async pinAll(text: string, analysis: Analysis): Promise<string> {
    const targets = new Map<string, EditableLocation>();
    for (const location of this.locations(analysis)) {
      if (!location.edit || !pinnable(location)) continue;
      const key = `${location.edit.range.start.line}:${location.edit.range.start.character}`;
      if (!targets.has(key)) targets.set(key, location as EditableLocation);
    }
    const failures: string[] = [];
    const edits: { range: Range; newText: string }[] = [];
    await inParallel([...targets.values()], PARALLEL_LOOKUPS, async (location) => {
      try {
        const digest = await this.digest(parseReference(location.reference));
        edits.push({ range: location.edit.range, newText: pinnedText(location.edit.text, digest.digest) });
      } catch (error) {
        failures.push(`${location.reference}: ${describe(error)}`);
      }
    });
    if (failures.length > 0) {
      const pinned = edits.length > 0 ? ` The other ${edits.length} ${edits.length === 1 ? 'image was' : 'images were'} pinned.` : '';
      this.showError(`Container Guard could not pin ${failures.length === 1 ? 'one image' : `${failures.length} images`}: ${failures.join(' ')}${pinned}`);
    }
    return applyEdits(text, edits);
  }
}

/** Whether pinning has something to do: no digest yet (a written digest is only re-pinned from the hover). */
function pinnable(location: ImageLocation): boolean {
  return !/@/.test(location.reference);
}

function describe(error: unknown): string {
  if (error instanceof RegistryError || error instanceof InvalidReferenceError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** A Markdown link that runs a command (VS Code trusts it for our commands: client `markdown.isTrusted`). */
function commandLink(title: string, command: string, args: unknown[]): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
