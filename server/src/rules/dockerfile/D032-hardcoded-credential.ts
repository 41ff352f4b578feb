// CG-D032 (Dockerfile side): credential material written into the Dockerfile itself — PEM private
// keys, cloud and SaaS token formats, `scheme://user:pass@host` with a literal password, and
// high-entropy literals assigned to a secret name — anywhere: RUN, LABEL, heredoc bodies, comments.
import type { DerivedKey, DockerfileModel } from '../../engine/dockerfile/model';
import { findCredentials, type CredentialMatch } from '../../engine/secrets';
import type { RuleFinding, Rule } from '../../engine/types';
import { effectiveInstructions } from './declarations';

/** Checkov's secrets framework checks (CKV_SECRET_1 … CKV_SECRET_19). */
const CHECKOV_SECRET_IDS = Array.from({ length: 19 }, (_, i) => `CKV_SECRET_${i + 1}`);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D032',
    title: 'Hard-coded credential',
    description:
      'A private key, access token, URL password or high-entropy secret value is written into the file. It is committed with the source and baked into the image or its build cache; rotate it and pass it as a secret.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['KICS a88baa34-e2ad-44ea-ad6f-8cac87bc7c71', ...CHECKOV_SECRET_IDS, 'CIS 4.10'],
    fixable: false,
  },
  check(model) {
    const { source } = model;
    // A secret-named ENV with a literal value is CG-D031's finding; report its value once.
    const envRanges = effectiveInstructions(model)
      .filter((i) => i.keyword === 'ENV')
      .map((i) => [source.offsetAt(i.range.start), source.offsetAt(i.range.end)] as const);
    const findings: RuleFinding[] = [];
    for (const match of credentialsByLine(model)) {
      if (match.kind === 'secret-assignment' && envRanges.some(([s, e]) => match.start >= s && match.end <= e)) continue;
      findings.push({
        message: `This looks like ${match.label}, hard-coded in the Dockerfile: it is committed with the source and ends up in the image or its build cache. Revoke it, then pass it as a build secret (RUN --mount=type=secret).`,
        range: source.rangeOf(match.start, match.end),
        fixes: [],
      });
    }
    return findings;
  },
};

/** Each line's credentials (offsets in the line), by the line's text; kept for the next version while the file is typed. */
const LINE_CREDENTIALS: DerivedKey<Map<string, CredentialMatch[]>> = { name: 'CG-D032 credentials of each line' };

/**
 * findCredentials over the whole text, one line at a time: no credential format spans a line break
 * (each stops at blanks or line breaks), so the matches are the same; a line typed into leaves the
 * others' results to be reused.
 */
function credentialsByLine(model: DockerfileModel): CredentialMatch[] {
  const text = model.source.text;
  const earlier = model.derived.earlier(LINE_CREDENTIALS);
  const known = model.derived.get(LINE_CREDENTIALS, () => new Map());
  const matches: CredentialMatch[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    let found = known.get(line) ?? earlier?.get(line);
    if (!found) found = findCredentials(line);
    known.set(line, found);
    for (const match of found) matches.push({ ...match, start: match.start + start, end: match.end + start });
    start = end + 1;
  }
  return matches;
}
