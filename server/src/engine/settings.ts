// User settings as the engine sees them, normalized from whatever a client sends.
import type { Profile, Severity } from './types';

export interface EngineSettings {
  profile: Profile;
  /**
   * Whether routine findings are summarized (CG-C100, one pinning finding per install command).
   * `null` means "as the profile says": on in `baseline`, off in `strict` (see `summarizes`).
   */
  summarize: boolean | null;
  /** Per-rule severity overrides: `{ "CG-D074": "off" }`. */
  rules: Record<string, Severity>;
  /** Findings published per file at most; a final Info says how many were left out. */
  maxFindings: number;
  /** Files larger than this many characters get cheap checks only. */
  maxFileSize: number;
  /** Registry allow-list (config files only; VS Code settings cannot widen it). */
  trustedRegistries?: string[];
}

export const defaultSettings: EngineSettings = {
  profile: 'baseline',
  summarize: null,
  rules: {},
  maxFindings: 500,
  maxFileSize: 1024 * 1024,
};

const severities = new Set<Severity>(['error', 'warning', 'info', 'hint', 'off']);

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && severities.has(value as Severity);
}

/**
 * Normalizes the `containerGuard` configuration section (the nested object VS Code sends; `null` or
 * anything malformed means defaults). Unknown keys and invalid values are ignored, never thrown on.
 */
export function normalizeSettings(raw: unknown): EngineSettings {
  const settings: EngineSettings = { ...defaultSettings, rules: {} };
  if (!raw || typeof raw !== 'object') return settings;
  const section = raw as Record<string, unknown>;
  if (section.profile === 'baseline' || section.profile === 'strict') settings.profile = section.profile;
  if (typeof section.summarize === 'boolean') settings.summarize = section.summarize;
  if (section.rules && typeof section.rules === 'object') {
    for (const [id, value] of Object.entries(section.rules as Record<string, unknown>)) {
      const severity = typeof value === 'string' ? value.toLowerCase() : value;
      if (isSeverity(severity)) settings.rules[id.toUpperCase()] = severity;
    }
  }
  return settings;
}

/**
 * The effective `summarize` (DESIGN "Suppression and configuration"): the config file's value where
 * written (already merged into `settings`), else the editor setting where not null, else on for the
 * effective profile `baseline` and off for `strict`.
 */
export function summarizes(settings: EngineSettings): boolean {
  return settings.summarize ?? settings.profile === 'baseline';
}
