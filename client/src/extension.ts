// The VS Code side: starts the bundled language server over IPC and adds what only a UI can do
// (status item, documentation viewer, workspace scan, commands). No analysis happens here.
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { hardenActiveFile, hardenWorkspace, PreviewProvider, previewScheme, type HardenArguments } from './wizard';
import { findWorkspaceFiles, openForAnalysis } from './workspace-files';
import { registerPinning } from './pinning';
import { chooseTagClientCommand, hardenServiceCommand, pinDigestCommand, showRuleDocumentationClientCommand, type InitializationOptions } from '../../server/src/protocol';

const composePattern = '**/{compose,docker-compose}{,.*,-*}.{yml,yaml}';
// Real files and unsaved editors only: not diff previews, git versions or other virtual documents.
const documentSelector = ['file', 'untitled'].flatMap((scheme) => [
  { scheme, language: 'dockerfile' },
  { scheme, language: 'dockercompose' },
  { scheme, language: 'yaml', pattern: composePattern },
  // Project configuration: the server reports a malformed file on the file itself.
  { scheme, pattern: '**/{.container-guard,.hadolint}.{yaml,yml}' },
]);

let client: LanguageClient | undefined;

/** The API the extension returns from activate(); the extension test suite uses it. */
export interface ContainerGuardApi {
  client(): LanguageClient | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<ContainerGuardApi> {
  const outputChannel = vscode.window.createOutputChannel('Container Guard', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: {
      configurationSection: 'containerGuard',
      // Config files, and Compose files (their build.target decides which Dockerfile stage ships).
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{.container-guard,.hadolint,compose,compose.*,compose-*,docker-compose,docker-compose.*,docker-compose-*}.{yaml,yml}'),
    },
    initializationOptions: {
      registryLookup: registryLookupAllowed(),
      clientCommands: [hardenServiceCommand, showRuleDocumentationClientCommand, chooseTagClientCommand],
    } satisfies InitializationOptions,
    // The image hover links to "Pin to current digest" and "Choose a tag…": only those commands run from it.
    markdown: { isTrusted: { enabledCommands: [pinDigestCommand, chooseTagClientCommand] } },
  };
  client = new LanguageClient('containerGuard', 'Container Guard', serverOptions, clientOptions);

  const previews = new PreviewProvider();
  const status = vscode.languages.createLanguageStatusItem('containerGuard.status', documentSelector);
  status.name = 'Container Guard';
  status.command = { title: 'Show Output', command: 'containerGuard.showOutput' };
  const updateStatus = () => updateStatusItem(status);

  context.subscriptions.push(
    outputChannel,
    status,
    vscode.languages.onDidChangeDiagnostics(updateStatus),
    vscode.window.onDidChangeActiveTextEditor(updateStatus),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('containerGuard')) updateStatus();
      if (event.affectsConfiguration('containerGuard.scanWorkspace')) void scanWorkspace();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    vscode.commands.registerCommand('containerGuard.restartServer', restart),
    vscode.workspace.registerTextDocumentContentProvider(previewScheme, previews),
    vscode.commands.registerCommand('containerGuard.harden', (args?: HardenArguments) => hardenActiveFile(client, previews, args)),
    // From the "Harden service "web"…" code action of a CG-C100 summary.
    vscode.commands.registerCommand(hardenServiceCommand, (uri: unknown, service: unknown, args?: HardenArguments) =>
      typeof uri === 'string' && typeof service === 'string' ? hardenActiveFile(client, previews, { ...args, uri, service }) : false,
    ),
    vscode.commands.registerCommand('containerGuard.hardenWorkspace', (args?: HardenArguments) => hardenWorkspace(client, args)),
    vscode.commands.registerCommand('containerGuard.showOutput', () => outputChannel.show(true)),
    // "Choose a tag…" (a quick fix of the pinning rules and a link in the image hover).
    registerPinning(() => client),
    vscode.commands.registerCommand(showRuleDocumentationClientCommand, (ruleId: unknown, href: unknown) =>
      showRuleDocumentation(context, ruleId, href),
    ),
    { dispose: () => void client?.stop() },
  );

  await client.start();
  updateStatus();
  void scanWorkspace();
  return { client: () => client };

  async function restart(): Promise<void> {
    if (!client) return;
    outputChannel.appendLine('Restarting the Container Guard language server.');
    await client.restart();
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/** Network use widens what a workspace can make us do, so only trusted workspaces may turn it on. */
function registryLookupAllowed(): boolean {
  if (!vscode.workspace.isTrusted) return false;
  return vscode.workspace.getConfiguration('containerGuard').get<boolean>('registry.lookup', false) === true;
}

function updateStatusItem(status: vscode.LanguageStatusItem): void {
  const editor = vscode.window.activeTextEditor;
  const profile = vscode.workspace.getConfiguration('containerGuard', editor?.document.uri).get<string>('profile', 'baseline');
  const findings = editor
    ? vscode.languages.getDiagnostics(editor.document.uri).filter((diagnostic) => diagnostic.source === 'container-guard')
    : [];
  const errors = findings.filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error).length;
  status.text = findings.length === 0 ? '$(shield) No findings' : `$(shield) ${findings.length} finding${findings.length === 1 ? '' : 's'}`;
  status.detail = `profile: ${profile}`;
  status.severity = errors > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
}

/** Opens the rule's page shipped with the extension (offline), or its URL when it is not bundled. */
async function showRuleDocumentation(context: vscode.ExtensionContext, ruleId: unknown, href: unknown): Promise<void> {
  if (typeof ruleId === 'string' && /^CG-[DC]\d{3}$/.test(ruleId)) {
    const page = context.asAbsolutePath(path.join('docs', 'rules', `${ruleId}.md`));
    if (fs.existsSync(page)) {
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(page));
      return;
    }
  }
  if (typeof href === 'string' && /^https:\/\//.test(href)) await vscode.env.openExternal(vscode.Uri.parse(href));
}

/**
 * With `containerGuard.scanWorkspace`, opens (without showing) every recognised file so the server
 * analyzes it and the Problems panel lists findings of files that are not open in an editor.
 */
async function scanWorkspace(): Promise<void> {
  if (!vscode.workspace.getConfiguration('containerGuard').get<boolean>('scanWorkspace', false)) return;
  for (const file of await findWorkspaceFiles()) await openForAnalysis(file);
}
