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
