// The custom part of the protocol between the Container Guard server and its clients (DESIGN "Server
// requests"): request names, their parameters and results, and the client-side commands the server may
// put in code actions. The VS Code client imports this module too, so both sides cannot drift apart.

export const listHardeningsRequest = 'containerGuard/listHardenings';
export const hardenRequest = 'containerGuard/harden';

/**
 * Client-side command that opens the hardening wizard on one Compose service: arguments
 * `[uri: string, service: string]`. Offered only to clients that list it in
 * `initializationOptions.clientCommands`.
 */
export const hardenServiceCommand = 'containerGuard.hardenService';

/**
 * Server command (listed in `executeCommandProvider`): asks the client to open a rule's documentation
 * page with `window/showDocument`. Arguments `[ruleId: string, href: string]`.
 */
export const showDocumentationCommand = 'containerGuard.showDocumentation';

/** The VS Code client's own command for the same: it opens the page bundled with the extension, offline. */
export const showRuleDocumentationClientCommand = 'containerGuard.showRuleDocumentation';

/** Server command: applies every preferred fix of a document through `workspace/applyEdit`. Arguments `[uri]`. */
export const applyFixAllCommand = 'containerGuard.applyFixAll';

/** What a client may send in `initialize`'s `initializationOptions`. */
export interface InitializationOptions {
  /** Allow registry lookups (the VS Code client sends it only in trusted workspaces). */
  registryLookup?: boolean;
  /** Client-side commands the client can run from a code action (e.g. `containerGuard.hardenService`). */
  clientCommands?: string[];
}

export interface HardeningOption {
  id: string;
  title: string;
  type: 'boolean' | 'string';
  default: boolean | string;
}

export interface HardeningMeasure {
  id: string;
  title: string;
  description: string;
  ruleIds: string[];
  recommended: boolean;
  options?: HardeningOption[];
}

export interface ListHardeningsParams {
  textDocument: { uri: string };
  /** Only this Compose service's measures, all of them recommended. */
  service?: string;
}

export interface HardenParams {
  textDocument: { uri: string };
  measureIds: string[];
  /** Apply the measures to this Compose service only. */
  service?: string;
  options?: Record<string, unknown>;
}

// ---- image pinning (server/src/lsp/pinning.ts, client/src/pinning.ts) ------------------------------

/**
 * Server command (listed in `executeCommandProvider`): looks up the current digest of the image
 * reference at a position and applies the pin with `workspace/applyEdit` (a failure is one
 * `window/showMessage`). Arguments `[uri: string, position: Position, tag?: string]`. Hovers link to it,
 * and clients without `codeAction/resolve` get it in the "Pin to current digest" action.
 */
export const pinDigestCommand = 'containerGuard.pinDigest';

/**
 * Client-side command ("Choose a tag…"): asks the server for the tags (`containerGuard/listTags`), shows
 * a QuickPick, then asks for the edit (`containerGuard/pinEdit`). Arguments `[uri: string, position:
 * Position]`. Offered only to clients that list it in `initializationOptions.clientCommands`.
 */
export const chooseTagClientCommand = 'containerGuard.chooseTag';

/** Lists the tags of the image reference at a position, newest first (network: only when asked). */
export const listTagsRequest = 'containerGuard/listTags';
/** The edit that pins the image reference at a position (to `tag` when given) to its current digest. */
export const pinEditRequest = 'containerGuard/pinEdit';

export interface ImagePositionParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
}

export type ListTagsResult =
  | {
      /** The reference as the file names it, e.g. `node:22-slim`. */
      reference: string;
      currentTag: string | null;
      /** Newest first: the current tag's variant first, floating tags last. */
      tags: string[];
    }
  | { error: string };

export interface PinEditParams extends ImagePositionParams {
  /** Pin to this tag (and its digest) instead of the current one. */
  tag?: string;
}

export type PinEditResult = { edit: import('vscode-languageserver-types').WorkspaceEdit } | { error: string };
