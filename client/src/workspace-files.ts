// The workspace's Dockerfiles and Compose files (DESIGN.md "Files recognised"), opened for the server.
import * as vscode from 'vscode';

const glob = '**/{Dockerfile,Containerfile,*.dockerfile,*.containerfile,Dockerfile.*,Containerfile.*,compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml,compose.*.yaml,compose.*.yml,docker-compose.*.yaml,docker-compose.*.yml}';
const composeName = /(?:^|[\\/])(?:docker-)?compose(?:\.[^\\/]+)?\.ya?ml$/i;
export const maxWorkspaceFiles = 500;

export function findWorkspaceFiles(): Thenable<vscode.Uri[]> {
  return vscode.workspace.findFiles(glob, '**/node_modules/**', maxWorkspaceFiles);
}

/**
 * Opens a file as a text document (without showing it), so the language server analyzes it. Compose
 * files that another extension opened as plain YAML get our Compose language. Undefined when the
 * file cannot be read (binary, permissions).
 */
export async function openForAnalysis(file: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  try {
    const document = await vscode.workspace.openTextDocument(file);
    if (document.languageId === 'yaml' && composeName.test(file.path)) return await vscode.languages.setTextDocumentLanguage(document, 'dockercompose');
    return document;
  } catch {
    return undefined;
  }
}
