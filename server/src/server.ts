// Entry point of the language server. The transport comes from the command line:
// `--stdio` (any LSP client), `--node-ipc` (the VS Code client), or `--socket=<port>`.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ContainerGuardServer } from './lsp/service';

const connection = createConnection(ProposedFeatures.all);
new ContainerGuardServer(connection).listen();
