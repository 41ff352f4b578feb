// The workspace's Dockerfiles and Compose files (DESIGN.md "Files recognised"), opened for the server.
import * as vscode from 'vscode';
import { kindFromFileName } from '../../server/src/engine/file-kind';

// A superset for VS Code's file search; `kindFromFileName` (the server's own rule) decides.
const glob = '**/{Dockerfile,Containerfile,*.dockerfile,*.containerfile,Dockerfile.*,Containerfile.*,compose*.yaml,compose*.yml,docker-compose*.yaml,docker-compose*.yml}';
export const maxWorkspaceFiles = 500;

export async function findWorkspaceFiles(): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(glob, '**/node_modules/**', maxWorkspaceFiles);
  return found.filter((file) => kindFromFileName(file.path) !== undefined);
}

/**
 * Opens a file as a text document (without showing it), so the language server analyzes it. Compose
 * files that another extension opened as plain YAML get our Compose language. Undefined when the
 * file cannot be read (binary, permissions).
 */
export async function openForAnalysis(file: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  try {
    const document = await vscode.workspace.openTextDocument(file);
    if (document.languageId === 'yaml' && kindFromFileName(file.path) === 'compose') return await vscode.languages.setTextDocumentLanguage(document, 'dockercompose');
    return document;
  } catch {
    return undefined;
  }
}
