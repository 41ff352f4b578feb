// The standard Dockerfile editor features, delegated to dockerfile-language-service. Every call is
// guarded: the library throws on some malformed input, and a request must never fail because of it.
import { DockerfileLanguageServiceFactory, type DockerfileLanguageService } from 'dockerfile-language-service';
import { DockerAssist } from 'dockerfile-language-service/lib/dockerAssist';
import { DockerRegistryClient } from 'dockerfile-language-service/lib/dockerRegistryClient';
import { TextDocument as PlainDocument } from 'vscode-languageserver-textdocument';
import type { Connection, Hover, Position, SemanticTokensLegend } from 'vscode-languageserver';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** The token legend, in the order dockerfile-language-service numbers its types and modifiers. */
export const semanticTokensLegend: SemanticTokensLegend = {
  tokenTypes: ['keyword', 'comment', 'parameter', 'property', 'namespace', 'class', 'macro', 'string', 'variable', 'operator', 'modifier'],
  tokenModifiers: ['declaration', 'definition', 'deprecated'],
};

/** Whether the user allowed network requests to registries (`containerGuard.registry.lookup`); owned by the server. */
export interface RegistryAccess {
  readonly allowed: boolean;
}

/**
 * Image-tag completion asks Docker Hub for tags. The library's completion is composed here with a tag
 * source that asks only when the user opted in, instead of patching the library's registry client.
 */
function completionItems(content: string, position: Parameters<DockerfileLanguageService['computeCompletionItems']>[1], registry: RegistryAccess) {
  const hub = new DockerRegistryClient({ log: () => undefined } as never);
  const tags = { getTags: (image: string) => (registry.allowed ? hub.getTags(image) : Promise.resolve([])) } as unknown as DockerRegistryClient;
  return new DockerAssist(PlainDocument.create('', '', 0, content), tags, undefined as never).computeProposals(position);
}

function guard<T>(fallback: T, compute: () => T): T {
  try {
    return compute() ?? fallback;
  } catch {
    return fallback;
  }
}

async function guardAsync<T>(fallback: T, compute: () => T | PromiseLike<T>): Promise<T> {
  try {
    return (await compute()) ?? fallback;
  } catch {
    return fallback;
  }
}

/** The hover on an image reference (lsp/pinning.ts), for Dockerfiles and Compose files; null elsewhere. */
export type ImageHover = (uri: string, position: Position) => Promise<Hover | null>;

/**
 * Registers every Dockerfile feature handler; documents of other kinds get empty answers. LSP allows
 * one hover handler: an image reference gets `imageHover`'s (in Compose files too), the rest the library's.
 */
export function registerDockerfileFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  isDockerfile: (document: TextDocument) => boolean,
  registry: RegistryAccess,
  imageHover?: ImageHover,
): DockerfileLanguageService {
  const service = DockerfileLanguageServiceFactory.createLanguageService();
  const dockerfile = (uri: string): TextDocument | undefined => {
    const document = documents.get(uri);
    return document && isDockerfile(document) ? document : undefined;
  };

  connection.onCompletion((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guardAsync([], () => completionItems(document.getText(), params.position, registry)) : [];
  });
  connection.onCompletionResolve((item) => guard(item, () => service.resolveCompletionItem(item)));
  connection.onHover(async (params) => {
    const image = imageHover ? await guardAsync(null, () => imageHover(params.textDocument.uri, params.position)) : null;
    if (image) return image;
    const document = dockerfile(params.textDocument.uri);
    return document ? guard(null, () => service.computeHover(document.getText(), params.position)) : null;
  });
  connection.onSignatureHelp((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard(null, () => service.computeSignatureHelp(document.getText(), params.position)) : null;
  });
  connection.onDocumentSymbol((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard([], () => service.computeSymbols(params.textDocument, document.getText())) : [];
  });
  connection.onFoldingRanges((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard([], () => service.computeFoldingRanges(document.getText())) : [];
  });
  connection.onDocumentHighlight((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard([], () => service.computeHighlightRanges(document.getText(), params.position)) : [];
  });
  connection.onDefinition((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard(null, () => service.computeDefinition(params.textDocument, document.getText(), params.position)) : null;
  });
  connection.onPrepareRename((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard(null, () => service.prepareRename(document.getText(), params.position)) : null;
  });
  connection.onRenameRequest((params) => {
    const document = dockerfile(params.textDocument.uri);
    if (!document) return null;
    const edits = guard([], () => service.computeRename(params.textDocument, document.getText(), params.position, params.newName));
    return { changes: { [document.uri]: edits } };
  });
  connection.onDocumentLinks((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard([], () => service.computeLinks(document.getText())) : [];
  });
  connection.onDocumentLinkResolve((link) => guard(link, () => service.resolveLink(link)));
  connection.onDocumentFormatting((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard([], () => service.format(document.getText(), params.options)) : [];
  });
  connection.onDocumentRangeFormatting((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard([], () => service.formatRange(document.getText(), params.range, params.options)) : [];
  });
  connection.onDocumentOnTypeFormatting((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard([], () => service.formatOnType(document.getText(), params.position, params.ch, params.options)) : [];
  });
  connection.languages.semanticTokens.on((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? guard({ data: [] }, () => service.computeSemanticTokens(document.getText())) : { data: [] };
  });
  return service;
}
