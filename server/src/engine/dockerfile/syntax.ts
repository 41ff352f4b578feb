// Syntax problems from dockerfile-language-service's validator (dockerfile-utils), mapped to our
// severities. The validator is guarded: it is known to recurse to a RangeError on some inputs.
import './ast-memo';
import { DockerfileLanguageServiceFactory } from 'dockerfile-language-service';
import type { SyntaxProblem } from '../types';

export const SYNTAX_SOURCE = 'dockerfile-utils';

type Service = ReturnType<typeof DockerfileLanguageServiceFactory.createLanguageService>;
let service: Service | undefined;

function languageService(): Service {
  service ??= DockerfileLanguageServiceFactory.createLanguageService();
  return service;
}

/** LSP DiagnosticSeverity (1 Error … 4 Hint) → our severity names. */
export function mapSeverity(severity: number | undefined): SyntaxProblem['severity'] {
  switch (severity) {
    case 2:
      return 'warning';
    case 3:
      return 'info';
    case 4:
      return 'hint';
    default:
      return 'error';
  }
}

/** Runs the validator; a crash becomes one informational problem instead of an exception. */
export function validateSyntax(text: string): SyntaxProblem[] {
  try {
    return languageService()
      .validate(text)
      .map((d) => ({
        source: SYNTAX_SOURCE,
        message: d.message,
        range: d.range,
        severity: mapSeverity(d.severity),
      }));
  } catch (error) {
    return [
      {
        source: SYNTAX_SOURCE,
        message: `Syntax validation was skipped: the Dockerfile validator failed on this file (${describe(error)}). Security checks still ran.`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'info',
      },
    ];
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 120)}`;
  return String(error).slice(0, 120);
}
