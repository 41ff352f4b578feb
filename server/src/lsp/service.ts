// The language server: a thin adapter between LSP and the engine. Documents in; diagnostics,
// code actions, hardening edits and the standard Dockerfile features out.
import {
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ShowDocumentRequest,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { parseContainerGuardConfig, parseHadolintConfig, configFileNames, hadolintFileNames } from '../engine/config';
import { analyze, foreignIdIndex, type Analysis } from '../engine/engine';
import { readFileText } from '../engine/compose-links';
import { fileContext, type FileContext } from '../engine/file-analysis';
import { GitIndexCache } from '../engine/git-index';
import { baseName, kindFromFileName, kindOfDocument } from '../engine/file-kind';
import { fixAllEdits, fixUntilStable, minimalEdit } from '../engine/fix-all';
import { normalizeSettings, type EngineSettings } from '../engine/settings';
import type { FileKind, GitCapability } from '../engine/types';
import { fixAllAction, fixAllKind, quickFixActions, requestedKinds } from './code-actions';
import { toDiagnostics } from './diagnostics';
import { AnalysisRunner } from './analysis-runner';
import { MemoryReleaser } from './memory';
import { registerDockerfileFeatures, semanticTokensLegend, type RegistryAccess } from './dockerfile-features';
import { hardenEdit, listHardenings, type HardeningInput } from './hardening';
import { ImagePinning } from './pinning';
import { applyFixAllCommand, hardenRequest, listHardeningsRequest, showDocumentationCommand, type HardenParams, type InitializationOptions, type ListHardeningsParams } from '../protocol';

export const fixAllCommand = applyFixAllCommand;

/** Files whose change on disk re-analyzes open documents: project configuration, Compose files and `.env`. */
const watchedGlobs = ['**/{.container-guard,.hadolint}.{yaml,yml}', '**/{compose,docker-compose}{,.*,-*}.{yaml,yml}', '**/.env'];

/** What applies to one document: its file context (settings, config, build target, ignored) and config problems. */
interface DocumentContext {
  /** Undefined when the document is of no kind we analyze. */
  file: FileContext | undefined;
  configProblems: Diagnostic[];
}

interface Analyzed {
  version: number;
  analysis: Analysis;
  file: FileContext;
}

function fsPath(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an open document's text is not what its file on disk says (unsaved changes, or no file). */
function differsFromDisk(document: TextDocument): boolean {
  const file = fsPath(document.uri);
  return file !== undefined && document.getText() !== readFileText(file);
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

export class ContainerGuardServer {
  private readonly documents = new TextDocuments(TextDocument);
  /** The last analysis of each open document, by URI. */
  private readonly analyzed = new Map<string, Analyzed>();
  /** Settings per document URI (workspace/configuration + config files), dropped on change. */
  private readonly contextCache = new Map<string, Promise<DocumentContext>>();
  private workspaceRoots: string[] = [];
  private readonly pending = new Set<string>();
  /** Analyses running now (large ones in the worker thread), by URI; requests for that URI wait for them. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Analyses off the message loop for large documents. */
  private readonly runner = new AnalysisRunner();
  private readonly memory = new MemoryReleaser();
  /** Git indexes by repository, loaded once; dropped when files change on disk. */
  private readonly gitIndex = new GitIndexCache();
  /**
   * The files each open document's analysis read (Compose project files, `.env`, built Dockerfiles, the
   * Compose files beside a Dockerfile), by URI: a change to one of them re-analyzes the document.
   */
  private readonly dependencies = new Map<string, Set<string>>();
  /** Documents whose didOpen was just received (TextDocuments fires onDidChangeContent for it too). */
  private readonly opening = new Set<string>();
  private pullConfiguration = false;
  /** What the client lets us register dynamically (`initialize` capabilities). */
  private dynamicConfiguration = false;
  private dynamicWatchers = false;
  private pushedSettings: EngineSettings = normalizeSettings(null);
  /** Network use for registries: only when the client says the user allowed it (trusted workspaces). */
  private readonly registry: { allowed: boolean } & RegistryAccess = { allowed: false };
  /** Client-side commands the client declared (`initializationOptions.clientCommands`). */
  private clientCommands = new Set<string>();

  /** Image pinning: registry lookups (only when asked) and their cache. */
  private readonly pinning: ImagePinning;

  constructor(private readonly connection: Connection) {
    this.pinning = new ImagePinning({
      connection,
      analysis: async (uri) => (await this.currentOrAnalyze(uri))?.analysis,
      currentAnalysis: (uri) => this.current(uri)?.analysis,
      lookupAllowed: () => this.registry.allowed,
      clientCommands: () => this.clientCommands,
    });
  }

  listen(): void {
    const { connection, documents } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => {
      // Only where the client allows dynamic registration; others push settings and changes themselves.
      if (this.pullConfiguration && this.dynamicConfiguration) {
        void connection.client.register(DidChangeConfigurationNotification.type, { section: 'containerGuard' }).catch(() => undefined);
      }
      if (this.dynamicWatchers) {
        void connection.client
          .register(DidChangeWatchedFilesNotification.type, { watchers: watchedGlobs.map((globPattern) => ({ globPattern })) })
          .catch(() => undefined);
      }
    });
    connection.onDidChangeConfiguration((change) => {
      this.contextCache.clear();
      this.analyzed.clear();
      const section = (change.settings as { containerGuard?: unknown } | null | undefined)?.containerGuard;
      if (!this.pullConfiguration) this.pushedSettings = normalizeSettings(section);
      for (const document of documents.all()) this.schedule(document.uri);
    });

    connection.onDidChangeWatchedFiles(() => this.configChanged());
    documents.onDidSave((event) => {
      // Saving a config file, or a Compose file whose build.target may pick another shipped stage.
      if (this.isConfigFile(event.document.uri) || this.kindOf(event.document) === 'compose') this.configChanged();
    });
    documents.onDidOpen((event) => {
      this.schedule(event.document.uri);
      this.opening.add(event.document.uri);
    });
    documents.onDidChangeContent((event) => {
      const uri = event.document.uri;
      this.schedule(uri);
      // Fired for an open too: then only an open text that differs from the disk changes what others read.
      if (!this.opening.delete(uri) || differsFromDisk(event.document)) this.dependencyChanged(uri);
    });
    documents.onDidClose((event) => {
      const uri = event.document.uri;
      this.analyzed.delete(uri);
      this.runner.forget(uri);
      this.contextCache.delete(uri);
      this.pending.delete(uri);
      this.dependencies.delete(uri);
      // The documents that read this file now read it from the disk.
      if (differsFromDisk(event.document)) this.dependencyChanged(uri);
      // Clear what we published; nothing more is sent for this URI until it is opened again.
      void connection.sendDiagnostics({ uri, diagnostics: [] });
      this.memory.documentClosed();
    });

    connection.onCodeAction((params) => this.codeActions(params));
    connection.onShutdown(() => this.runner.dispose());
    connection.onExecuteCommand(async (params) => {
      if (this.pinning.isCommand(params.command)) return this.pinning.executeCommand(params);
      if (params.command === showDocumentationCommand) {
        const href = params.arguments?.[1];
        if (typeof href === 'string' && /^https:\/\//.test(href)) {
          await connection.sendRequest(ShowDocumentRequest.type, { uri: href, external: true }).catch(() => undefined);
        }
        return null;
      }
      if (params.command !== fixAllCommand) return null;
      const uri = typeof params.arguments?.[0] === 'string' ? params.arguments[0] : undefined;
      const edit = uri ? this.fixAllWorkspaceEdit(uri) : undefined;
      if (edit) await connection.workspace.applyEdit({ label: 'Fix all safe Container Guard problems', edit }).catch(() => undefined);
      return null;
    });
    connection.onRequest(listHardeningsRequest, async (params: ListHardeningsParams) => {
      const uri = params?.textDocument?.uri;
      const entry = await this.currentOrAnalyze(uri);
      const document = typeof uri === 'string' ? documents.get(uri) : undefined;
      return entry && document ? listHardenings(this.hardeningInput(document, entry), params.service, this.pinning) : [];
    });
    connection.onRequest(hardenRequest, async (params: HardenParams) => {
      const uri = params?.textDocument?.uri;
      const entry = await this.currentOrAnalyze(uri);
      const document = typeof uri === 'string' ? documents.get(uri) : undefined;
      if (!entry || !document) return { changes: {} };
      return hardenEdit(document, this.hardeningInput(document, entry), params, this.pinning);
    });

    this.pinning.register();
    registerDockerfileFeatures(connection, documents, (document) => this.kindOf(document) === 'dockerfile', this.registry, (uri, position) =>
      this.pinning.hover(uri, position),
    );
    documents.listen(connection);
    connection.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.pullConfiguration = !!params.capabilities.workspace?.configuration;
    this.dynamicConfiguration = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    this.dynamicWatchers = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const roots = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.workspaceRoots = roots.map(fsPath).filter((root): root is string => root !== undefined);
    const options = params.initializationOptions as InitializationOptions | undefined;
    this.registry.allowed = options?.registryLookup === true;
    this.clientCommands = new Set(Array.isArray(options?.clientCommands) ? options.clientCommands.filter((command) => typeof command === 'string') : []);
    this.pinning.initialize(params);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        // Resolved lazily: "Pin to current digest" asks the registry only when picked.
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind], resolveProvider: true },
        executeCommandProvider: { commands: [fixAllCommand, showDocumentationCommand, ...this.pinning.commands] },
        completionProvider: { triggerCharacters: ['=', ' ', '$', '-', ':'], resolveProvider: true },
        hoverProvider: true,
        signatureHelpProvider: { triggerCharacters: ['-', '[', ',', ' ', '='] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentHighlightProvider: true,
        definitionProvider: true,
        renameProvider: { prepareProvider: true },
        documentLinkProvider: { resolveProvider: true },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        documentOnTypeFormattingProvider: { firstTriggerCharacter: '\\', moreTriggerCharacter: ['`'] },
        semanticTokensProvider: { legend: semanticTokensLegend, full: true },
      },
      serverInfo: { name: 'container-guard' },
    };
  }

  private kindOf(document: TextDocument): FileKind | undefined {
    return kindOfDocument(document.uri, document.languageId);
  }

  private isConfigFile(uri: string): boolean {
    const name = baseName(uri);
    return configFileNames.includes(name) || hadolintFileNames.includes(name);
  }

  private configChanged(): void {
    this.gitIndex.invalidate();
    this.contextCache.clear();
    this.analyzed.clear();
    for (const document of this.documents.all()) this.schedule(document.uri);
  }

  /** Settings and project config of a document; computed once, not on every keystroke. */
  private contextFor(uri: string): Promise<DocumentContext> {
    let context = this.contextCache.get(uri);
    if (!context) {
      const editorSettings = this.pullConfiguration
        ? this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'containerGuard' }).then(normalizeSettings, () => normalizeSettings(null))
        : Promise.resolve(this.pushedSettings);
      context = editorSettings.then(async (settings) => {
        // The git index (read only, never `git` run) tells CG-C112 which secret files are already committed.
        const file = fsPath(uri);
        const git = file ? await this.gitIndex.capabilityFor(file).catch(() => undefined) : undefined;
        return this.withProjectConfig(uri, settings, git);
      });
      this.contextCache.set(uri, context);
    }
    return context;
  }

  /** The one per-file entry point of the engine (shared with the CLI), with the editor's unsaved texts. */
  private withProjectConfig(uri: string, settings: EngineSettings, git?: GitCapability): DocumentContext {
    const document = this.documents.get(uri);
    const kind = document ? this.kindOf(document) : undefined;
    const file = fsPath(uri);
    const root = file ? this.workspaceRoots.filter((candidate) => isInside(file, candidate)).sort((a, b) => b.length - a.length)[0] : undefined;
    const readText = (other: string) => {
      this.dependencyOf(uri).add(other);
      return this.openText(other) ?? readFileText(other);
    };
    const context = kind ? fileContext({ path: file, kind, settings, root, readText, git }) : undefined;
    const configProblems: Diagnostic[] = (context?.configProblems ?? []).map(({ file: configFile, problem }) => ({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Warning,
      source: problem.source,
      message: `${path.basename(configFile)}: ${problem.message}`,
      relatedInformation: [{ location: { uri: URI.file(configFile).toString(), range: problem.range }, message: problem.message }],
    }));
    return { file: context, configProblems };
  }

  private dependencyOf(uri: string): Set<string> {
    let files = this.dependencies.get(uri);
    if (!files) this.dependencies.set(uri, (files = new Set()));
    return files;
  }

  /**
   * A file changed (typed in, opened with other text, closed): the other open documents whose last
   * analysis read it are analyzed again, with their context (a Dockerfile's build target) recomputed.
   */
  private dependencyChanged(uri: string): void {
    const file = fsPath(uri);
    if (!file) return;
    for (const [other, files] of this.dependencies) {
      if (other === uri || !files.has(file) || !this.documents.get(other)) continue;
      this.analyzed.delete(other);
      this.contextCache.delete(other);
      this.schedule(other);
    }
  }

  /** The editor's text of an open file, by path. */
  private openText(file: string): string | undefined {
    const uri = URI.file(file).toString();
    return this.documents.get(uri)?.getText();
  }

  /** Analyzes the newest version soon; versions superseded meanwhile are never analyzed. */
  private schedule(uri: string): void {
    this.memory.busy();
    if (this.pending.has(uri)) return;
    this.pending.add(uri);
    setImmediate(() => void this.validate(uri));
  }

  private async validate(uri: string): Promise<void> {
    // One analysis per document at a time: a version that arrives meanwhile is analyzed after it (and the
    // versions in between never are).
    for (let running = this.inFlight.get(uri); running; running = this.inFlight.get(uri)) await running;
    if (this.current(uri)) {
      this.pending.delete(uri);
      return;
    }
    const done = this.validateNow(uri);
    this.inFlight.set(uri, done);
    try {
      await done;
    } finally {
      if (this.inFlight.get(uri) === done) this.inFlight.delete(uri);
    }
  }

  private async validateNow(uri: string): Promise<void> {
    const context = await this.contextFor(uri);
    this.pending.delete(uri);
    const document = this.documents.get(uri);
    if (!document) return;
    if (this.isConfigFile(uri)) return this.validateConfigFile(document);
    const file = context.file;
    if (!file) return;
    // Already analyzed and published (a request analyzed it on demand): one publish per version.
    if (this.analyzed.get(uri)?.version === document.version) return;
    if (file.ignored) {
      await this.connection.sendDiagnostics({ uri, version: document.version, diagnostics: [] });
      return;
    }
    const previous = this.analyzed.get(uri);
    if (previous && previous.version > document.version) return;
    const version = document.version;
    let analysis: Analysis;
    try {
      analysis = await this.runner.analyze(file, document.getText(), uri, previous?.analysis);
    } catch (error) {
      // The engine guards its parsers; this is the last line of defence, never a crashed server.
      this.connection.console.error(`Container Guard could not analyze ${uri}: ${error instanceof Error ? error.stack : String(error)}`);
      return;
    }
    if (this.documents.get(uri) !== document) return;
    // The text changed while the worker analyzed it: that newer version is scheduled; this one is dropped.
    if (document.version !== version) return this.schedule(uri);
    this.analyzed.set(uri, { version, analysis, file });
    const diagnostics = [...context.configProblems, ...toDiagnostics(analysis, uri, version, file.settings.maxFindings)];
    await this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /** An open `.container-guard.yaml` / `.hadolint.yaml` gets its own problem, if any. */
  private async validateConfigFile(document: TextDocument): Promise<void> {
    const text = document.getText();
    const parsed = configFileNames.includes(baseName(document.uri)) ? parseContainerGuardConfig(text) : parseHadolintConfig(text, foreignIdIndex);
    const diagnostics: Diagnostic[] = parsed.problem
      ? [{ range: parsed.problem.range, severity: DiagnosticSeverity.Error, source: parsed.problem.source, message: parsed.problem.message }]
      : [];
    await this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  }

  /** The analysis of the document's current version, when there is one. */
  private current(uri: string | undefined): Analyzed | undefined {
    if (typeof uri !== 'string') return undefined;
    const document = this.documents.get(uri);
    const entry = this.analyzed.get(uri);
    return document && entry && entry.version === document.version ? entry : undefined;
  }

  /** The current analysis, computed now when a request arrives before the scheduled analysis ran. */
  private async currentOrAnalyze(uri: string | undefined): Promise<Analyzed | undefined> {
    if (typeof uri !== 'string') return undefined;
    // A configuration change may drop the analysis while a request waits: analyze again (bounded).
    for (let attempt = 0; attempt < 3 && !this.current(uri) && this.documents.get(uri); attempt++) await this.validate(uri);
    return this.current(uri);
  }

  private hardeningInput(document: TextDocument, entry: Analyzed): HardeningInput {
    // Hardening rounds need only findings: the syntax validator is not run again.
    return { text: document.getText(), analyzeUnsummarized: (text) => entry.file.analyze(text, { summarize: false }, { validate: false }) };
  }

  private fixAllWorkspaceEdit(uri: string): WorkspaceEdit | undefined {
    const entry = this.current(uri);
    const document = this.documents.get(uri);
    if (!entry || !document) return undefined;
    if (fixAllEdits(entry.analysis).length === 0) return undefined;
    const text = document.getText();
    // The rounds after the first need only findings: the syntax validator is not run again.
    const fixed = fixUntilStable(text, (next) => entry.file.analyze(next, undefined, { validate: false }), (a) => a.findings, true, entry.analysis);
    const edit = minimalEdit(text, fixed);
    return edit ? { changes: { [uri]: [edit] } } : undefined;
  }

  private async codeActions(params: Parameters<Parameters<Connection['onCodeAction']>[0]>[0]): Promise<CodeAction[]> {
    const uri = params?.textDocument?.uri;
    const document = typeof uri === 'string' ? this.documents.get(uri) : undefined;
    if (!document || !this.kindOf(document)) return [];
    try {
      // Computed from the current text: a diagnostic of an older version gets the actions of its finding now.
      const entry = await this.currentOrAnalyze(document.uri);
      if (!entry) return [];
      const actions = quickFixActions(params, document.uri, entry.analysis, {
        commands: this.clientCommands,
        extraFixes: (finding, diagnostic) => this.pinning.actions(document.uri, entry.analysis, finding, diagnostic),
      });
      const fixAllRequested = requestedKinds(params).some((kind) => fixAllKind.startsWith(kind));
      const fixAll = fixAllRequested ? this.fixAllWorkspaceEdit(document.uri) : undefined;
      const edits = fixAll?.changes?.[document.uri] ?? [];
      return [...actions, ...fixAllAction(params, document.uri, edits)];
    } catch (error) {
      this.connection.console.error(`Container Guard code actions failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }
}
