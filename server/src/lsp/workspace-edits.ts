// A fix as an LSP WorkspaceEdit: its edits of the document, plus the edits of other files of the project
// it carries (`Fix.otherFiles`: the override file a CG-C110 fix changes, the `.dockerignore` or
// `.gitignore` to extend). A file to create needs `documentChanges`; everything else fits `changes`.
import { URI } from 'vscode-uri';
import type { CreateFile, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { FileEdit } from '../engine/types';

export function workspaceEdit(uri: string, edits: TextEdit[], otherFiles: FileEdit[] = []): WorkspaceEdit {
  if (otherFiles.length === 0) return { changes: { [uri]: edits } };
  if (!otherFiles.some((file) => file.create)) {
    const changes: Record<string, TextEdit[]> = {};
    if (edits.length > 0) changes[uri] = edits;
    for (const file of otherFiles) {
      const target = URI.file(file.path).toString();
      changes[target] = [...(changes[target] ?? []), ...file.edits];
    }
    return { changes };
  }
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  if (edits.length > 0) documentChanges.push({ textDocument: { uri, version: null }, edits });
  for (const file of otherFiles) {
    const target = URI.file(file.path).toString();
    if (file.create) documentChanges.push({ kind: 'create', uri: target, options: { ignoreIfExists: true } });
    documentChanges.push({ textDocument: { uri: target, version: null }, edits: file.edits });
  }
  return { documentChanges };
}

/** The other-file edits of several fixes, identical ones once (two findings may carry the same line). */
export function mergeOtherFiles(fixes: { otherFiles?: FileEdit[] }[]): FileEdit[] {
  const byPath = new Map<string, FileEdit>();
  const seen = new Set<string>();
  for (const fix of fixes) {
    for (const file of fix.otherFiles ?? []) {
      const merged = byPath.get(file.path) ?? { path: file.path, create: file.create, edits: [] };
      for (const edit of file.edits) {
        const key = `${file.path}\0${JSON.stringify(edit)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        merged.edits.push(edit);
      }
      byPath.set(file.path, merged);
    }
  }
  return [...byPath.values()];
}
