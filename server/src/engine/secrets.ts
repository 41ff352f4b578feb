// The secret-name and literal-value predicates shared by the secret rules (CG-D030, D031, D032 and
// the Compose rule C030), plus the credential formats D032 looks for. Pure functions, no model:
// both file kinds call them with plain strings.
//
// Catalogue CG-D030: a NAME is a secret name when, split into words at `_`, `-`, `.` and at
// lower-to-upper case changes and compared case-insensitively,
//   (1) a word is a secret word (`password`, `token`, `key` …) or contains `password`;
//   (2) no word is `public`/`pub`/`publishable`, and no `key` follows `gpg`/`pgp`;
//   (3) the last word does not merely name or describe a secret (`file`, `url`, `user`, `id` …).
// `AWS_ACCESS_KEY_ID` always matches; `GOOGLE_APPLICATION_CREDENTIALS` never does.
//
// Catalogue §6.3: checksums and key fingerprints are not credentials. A name ending in `SHA`, `SHA1`,
// `SHA256`, `SHA512`, `SUM`, `CHECKSUM`, `DIGEST`, `FINGERPRINT`, `GPG_KEY`, `GPG_KEYS` or `PGP_KEY`
// is not a secret name, and a key fingerprint as gpg/ssh-keygen print it is not a secret value.

/** Words that, on their own, mark a name as holding a secret. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'pword', 'pass', 'passphrase', 'secret', 'secrets', 'token', 'apikey', 'key',
  'credential', 'credentials', 'creds',
]);
/** Words that mark the value as public material. */
const PUBLIC_WORDS = new Set(['public', 'pub', 'publishable']);
/** Last words that name or describe a secret without holding it (`POSTGRES_PASSWORD_FILE`, `TOKEN_TYPE`). */
const DESCRIBING_WORDS = new Set([
  'file', 'path', 'dir', 'url', 'uri', 'host', 'hostname', 'port', 'user', 'username', 'name', 'id', 'email',
  'version', 'type', 'mode', 'method', 'provider', 'prefix', 'enabled', 'ttl', 'expiry', 'timeout', 'length', 'size',
]);
/** Endings of checksum and key-fingerprint names (`NODE_SHA256`, `TINI_CHECKSUM`, `PYTHON_GPG_KEY`), matched on the words joined by `_`. */
const CHECKSUM_ENDINGS = ['sha', 'sha1', 'sha256', 'sha512', 'sum', 'checksum', 'digest', 'fingerprint', 'gpg_key', 'gpg_keys', 'pgp_key'];
const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off']);
const PLACEHOLDER_WORDS = new Set(['changeme', 'change-me', 'change_me']);

/**
 * Splits a variable name into lower-cased words: at `_`, `-`, `.` and where a lower-case letter
 * is followed by an upper-case one. `PGPASSWORD` → [pgpassword], `myAPIKey` → [my, apikey].
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])(?=[A-Z])/g, '$1_')
    .split(/[_.-]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 0);
}

/** Whether a variable, key or flag name holds a secret (catalogue CG-D030's "secret name"). */
export function isSecretName(name: string): boolean {
  if (typeof name !== 'string') return false;
  return judgeSecretName(name);
}

/**
 * Every secret word (and `password`) contains one of these, so a name without any of them is not a
 * secret name: most names are dismissed without splitting them into words, and a text without any
 * of them holds no secret assignment (the names found there are ASCII, where `i` is toLowerCase).
 */
const SECRET_WORD_PARTS = /pass|pwd|pword|secret|token|key|cred/i;

function judgeSecretName(name: string): boolean {
  if (!SECRET_WORD_PARTS.test(name.toLowerCase())) return false;
  const words = nameWords(name);
  if (words.length === 0) return false;
  const joined = words.join('_');
  if (joined === 'aws_access_key_id') return true;
  if (joined === 'google_application_credentials') return false;
  if (isChecksumName(name)) return false;
  if (!words.some((w) => SECRET_WORDS.has(w) || w.includes('password'))) return false;
  if (words.some((w) => PUBLIC_WORDS.has(w))) return false;
  for (let i = 1; i < words.length; i++) {
    if (words[i] === 'key' && (words[i - 1] === 'gpg' || words[i - 1] === 'pgp')) return false;
  }
  return !DESCRIBING_WORDS.has(words[words.length - 1]);
}

/**
 * Whether a name says it holds a checksum or a key fingerprint (catalogue §6.3): it ends in `SHA`,
 * `SHA1`, `SHA256`, `SHA512`, `SUM`, `CHECKSUM`, `DIGEST`, `FINGERPRINT`, `GPG_KEY`, `GPG_KEYS` or
 * `PGP_KEY` (case-insensitive, any separator: `sha256sum`, `KEY_SHA256`, `gpgKey`).
 */
export function isChecksumName(name: string): boolean {
  const joined = nameWords(name).join('_');
  return CHECKSUM_ENDINGS.some((ending) => joined.endsWith(ending));
}

/**
 * Whether a value is a key fingerprint in the form gpg and ssh-keygen print it: groups of 2 or 4
 * hex digits separated by spaces or colons, 32, 40 or 64 digits in all
 * (`BCA4 3417 C3B4 85DD 128E  C6D4 B7B3 B788 A8D3 785C`, `43:51:43:a1:…`). No tool prints a secret
 * that way, so it is public key material whatever the name next to it.
 */
export function isKeyFingerprint(value: string): boolean {
  const groups = value.trim().split(/\s+|:/);
  if (groups.length < 2) return false;
  const size = groups[0].length;
  if ((size !== 2 && size !== 4) || !groups.every((g) => g.length === size && /^[0-9a-fA-F]+$/.test(g))) return false;
  return [32, 40, 64].includes(size * groups.length);
}

export interface LiteralOptions {
  /** Compose interpolation: `$$` is a literal `$`. Otherwise a backslash escapes `$` (Dockerfile). */
  compose?: boolean;
}

/** Whether a value refers to a variable (`$VAR`, `${…}`) that the builder or Compose would expand. */
export function hasVariableReference(value: string, options: LiteralOptions = {}): boolean {
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (options.compose) {
      if (ch === '$' && value[i + 1] === '$') {
        i++;
        continue;
      }
    } else if (ch === '\\' && value[i + 1] === '$') {
      i++;
      continue;
    }
    if (ch === '$' && /[A-Za-z_{]/.test(value[i + 1] ?? '')) return true;
  }
  return false;
}

/**
 * Whether a value is a literal in the sense of catalogue CG-D031: a non-empty scalar with no
 * variable reference that is not null, a boolean word, a file path or a placeholder
 * (`changeme`, `<your token>`, `xxxx`, `****`, `...`). `null`/`undefined` (a key with no value) is not.
 * Nor is a key fingerprint as gpg/ssh-keygen print it (catalogue §6.3).
 */
export function isLiteralSecretValue(value: string | null | undefined, options: LiteralOptions = {}): boolean {
  if (typeof value !== 'string') return false;
  const text = value.trim();
  if (text === '') return false;
  if (hasVariableReference(text, options)) return false;
  const lower = text.toLowerCase();
  if (BOOLEAN_WORDS.has(lower)) return false;
  if (/^(\/|\.\/|\.\.\/|~\/)/.test(text)) return false;
  if (PLACEHOLDER_WORDS.has(lower)) return false;
  if (/^<.*>$/s.test(text)) return false;
  if (/^[x*.]+$/i.test(text)) return false;
  // Catalogue §6.3: key fingerprints are not credentials.
  if (isKeyFingerprint(text)) return false;
  return true;
}

/** Shannon entropy in bits per character (0 for the empty string). */
export function shannonEntropy(text: string): number {
  if (!text) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...text].length;
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** Minimum length and entropy of a "high-entropy" value (catalogue CG-D032). */
export const HIGH_ENTROPY_MIN_LENGTH = 16;
export const HIGH_ENTROPY_MIN_BITS = 3.5;

/** A literal of at least 16 characters with at least 3.5 bits of entropy per character. */
export function isHighEntropyLiteral(value: string | null | undefined, options: LiteralOptions = {}): boolean {
  // Fewer UTF-16 units than the minimum means fewer characters too: most values end here, cheaply.
  if (typeof value !== 'string' || value.trim().length < HIGH_ENTROPY_MIN_LENGTH) return false;
  if (!isLiteralSecretValue(value, options)) return false;
  const text = (value as string).trim();
  return [...text].length >= HIGH_ENTROPY_MIN_LENGTH && shannonEntropy(text) >= HIGH_ENTROPY_MIN_BITS;
}

/**
 * Whether `NAME=value` assigns a high-entropy secret (catalogue CG-D032: a high-entropy literal
 * next to a secret name), with §6.3's corrections: a checksum name (`NODE_SHA256`) is not a secret
 * name, and a key fingerprint in its printed form is not a literal secret (isLiteralSecretValue). §6.3 also exempts a pure-hex or
 * `sha256:<hex>` value from the entropy test unless its name is a secret name; only a secret name
 * leads to the entropy test here, so that exemption needs no code of its own: a digest under a
 * checksum name is never tested, and under a secret name (`JWT_SECRET=<64 hex>`, a generated
 * secret) it stays an Error.
 */
export function isSecretAssignment(name: string, value: string, options: LiteralOptions = {}): boolean {
  return isSecretName(name) && isHighEntropyLiteral(value, options);
}

// ---- credential formats (CG-D032) ----------------------------------------------------------------

export type CredentialKind =
  | 'private-key'
  | 'aws-access-key'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'slack-webhook'
  | 'stripe-key'
  | 'twilio-key'
  | 'google-api-key'
  | 'npm-token'
  | 'pypi-token'
  | 'sendgrid-key'
  | 'url-password'
  | 'secret-assignment';

export interface CredentialMatch {
  kind: CredentialKind;
  /** What was found, for messages: `a PEM private key`, `an AWS access key id` … */
  label: string;
  /** Offsets of the credential (or, for URLs and assignments, of the secret value) in the text. */
  start: number;
  end: number;
  /** The variable/flag name for `secret-assignment`, the URL user for `url-password`. */
  name?: string;
}

interface TokenFormat {
  kind: CredentialKind;
  label: string;
  pattern: RegExp;
}

/** Token formats with a fixed prefix; each pattern is global and bounded so it cannot match inside a longer word. */
const TOKEN_FORMATS: TokenFormat[] = [
  // `-----BEGIN RSA PRIVATE KEY-----`, `OPENSSH`, `EC`, `ENCRYPTED`, `PGP PRIVATE KEY BLOCK`; not PUBLIC KEY or CERTIFICATE.
  { kind: 'private-key', label: 'a PEM private key', pattern: /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: 'aws-access-key', label: 'an AWS access key id', pattern: /(?<![A-Za-z0-9])AKIA[0-9A-Z]{16}(?![A-Za-z0-9])/g },
  { kind: 'github-token', label: 'a GitHub token', pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})(?![A-Za-z0-9_])/g },
  { kind: 'gitlab-token', label: 'a GitLab token', pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g },
  { kind: 'slack-token', label: 'a Slack token', pattern: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}(?![A-Za-z0-9-])/g },
  { kind: 'slack-webhook', label: 'a Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g },
  { kind: 'stripe-key', label: 'a Stripe live secret key', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_live_[0-9A-Za-z]{24,}(?![A-Za-z0-9_])/g },
  { kind: 'twilio-key', label: 'a Twilio API key', pattern: /(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])/g },
  { kind: 'google-api-key', label: 'a Google API key', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  { kind: 'npm-token', label: 'an npm access token', pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g },
  { kind: 'pypi-token', label: 'a PyPI API token', pattern: /(?<![A-Za-z0-9_-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
  { kind: 'sendgrid-key', label: 'a SendGrid API key', pattern: /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
];

/** AWS's documentation key ids (`AKIAIOSFODNN7EXAMPLE`) are placeholders, not credentials. */
function isDocumentationExample(text: string): boolean {
  return /EXAMPLE$/.test(text);
}

/** `scheme://user:pass@host`: group 1 the user, group 2 the password. */
const URL_WITH_PASSWORD = /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/([^\s:/@'"`]*):([^\s/@'"`]+)@[^\s/@'"`]/g;

/**
 * `--name=value`, `--name value` (groups 1–3: dashes, name, separator) or `NAME=value`,
 * `NAME = value`, `NAME: value` (groups 4–5: name, separator); group 6 the value, quoted or bare.
 */
const ASSIGNMENT =
  /(?<![A-Za-z0-9_.$-])(?:(--?)([A-Za-z_][A-Za-z0-9_.-]*)(=|[ \t]+)|([A-Za-z_][A-Za-z0-9_.-]*)([ \t]*=[ \t]*|:[ \t]+))("[^"\r\n]*"|'[^'\r\n]*'|[^\s"'`;&|<>()]+)/g;

/**
 * The fixed part of every token format: text without any of them holds no token, so the formats are
 * tried only after this one scan (findCredentials runs on every value of a file, on every keystroke).
 */
const TOKEN_PREFIXES = /-----BEGIN|AKIA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|hooks\.slack\.com|_live_|SK[0-9a-f]{32}|AIza|npm_|pypi-|SG\./;
/** A URL with a password needs `://`; an assignment `=`, `: ` or a flag followed by a blank (`--token x`). */
const ASSIGNMENT_SIGNS = /=|:\/\/|:[ \t]|-[A-Za-z_][A-Za-z0-9_.-]*[ \t]/;

/** Credential material in a piece of text (a RUN body, a LABEL, a heredoc, a Compose value). */
export function findCredentials(text: string, options: LiteralOptions = {}): CredentialMatch[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  return searchCredentials(text, options);
}

function searchCredentials(text: string, options: LiteralOptions): CredentialMatch[] {
  const matches: CredentialMatch[] = [];
  if (TOKEN_PREFIXES.test(text)) {
    for (const format of TOKEN_FORMATS) {
      format.pattern.lastIndex = 0;
      for (const m of text.matchAll(format.pattern)) {
        if (format.kind === 'aws-access-key' && isDocumentationExample(m[0])) continue;
        matches.push({ kind: format.kind, label: format.label, start: m.index!, end: m.index! + m[0].length });
      }
    }
  }
  if (!ASSIGNMENT_SIGNS.test(text)) return dropOverlaps(matches);
  // Each match below allocates its groups, and most texts have `=` or a flag but no URL or secret name.
  if (text.includes('://')) searchUrlPasswords(text, options, matches);
  if (SECRET_WORD_PARTS.test(text)) searchSecretAssignments(text, options, matches);
  return dropOverlaps(matches);
}

function searchUrlPasswords(text: string, options: LiteralOptions, matches: CredentialMatch[]): void {
  for (const m of text.matchAll(URL_WITH_PASSWORD)) {
    const pass = m[2];
    if (!isLiteralSecretValue(pass, options)) continue;
    const start = m.index! + m[0].indexOf('://') + 3 + m[1].length + 1;
    matches.push({ kind: 'url-password', label: 'a password in a URL', start, end: start + pass.length, name: m[1] });
  }
}

function searchSecretAssignments(text: string, options: LiteralOptions, matches: CredentialMatch[]): void {
  for (const m of text.matchAll(ASSIGNMENT)) {
    const name = m[2] ?? m[4];
    const written = m[6];
    if (m[1] !== undefined && written.startsWith('-')) continue; // `--password --next-flag`
    const quoted = /^["']/.test(written);
    const value = quoted ? written.slice(1, -1) : written;
    if (!isSecretAssignment(name, value, options)) continue;
    const start = m.index! + m[0].length - written.length + (quoted ? 1 : 0);
    matches.push({ kind: 'secret-assignment', label: `a high-entropy value for ${name}`, start, end: start + value.length, name });
  }
}

/** Keeps the first of overlapping matches in text order (a token inside an assignment is reported once). */
function dropOverlaps(matches: CredentialMatch[]): CredentialMatch[] {
  // At the same place, a known token format wins over the generic "high-entropy value" reading.
  const generic = (m: CredentialMatch) => (m.kind === 'secret-assignment' ? 1 : 0);
  const sorted = [...matches].sort((a, b) => a.start - b.start || generic(a) - generic(b) || b.end - a.end);
  const kept: CredentialMatch[] = [];
  for (const match of sorted) {
    const last = kept[kept.length - 1];
    if (last && match.start < last.end) continue;
    kept.push(match);
  }
  return kept;
}
