// Which file names hold credentials (catalogue CG-D033's patterns), shared by the rules that follow a
// credential file: D033 (copied into a layer), D103 (deleted too late), D104 (a .dockerignore that
// lets them into the build context), C112 (a Compose file that points at one git would commit).

const EXACT = new Set(['id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', '.npmrc', '.pypirc', '.netrc', '.git-credentials', 'credentials', 'credentials.json', 'kubeconfig']);
/** Example and template files that hold no secret. */
const TEMPLATE_SUFFIX = /\.(example|sample|template|tmpl|dist|defaults?)$/i;
/** `*.pem` names that hold public material (certificates, CA bundles, public keys). */
const PUBLIC_PEM = /(^|[._-])(cert|certs|certificate|ca|chain|fullchain|bundle|pub|public|cacert)([._-]|$)/i;

/** The last segment of a path (`/` or `\` separated; trailing separators ignored). */
export function pathBaseName(path: string): string {
  const normalized = path.replace(/\\/g, '/').replace(/\/+$/, '');
  return normalized.slice(normalized.lastIndexOf('/') + 1);
}

/** Whether a path names a credential file (catalogue CG-D033's patterns). */
export function isCredentialFile(path: string): boolean {
  const normalized = path.replace(/\\/g, '/').replace(/\/+$/, '');
  const lower = pathBaseName(normalized).toLowerCase();
  if (!lower || TEMPLATE_SUFFIX.test(lower)) return false;
  if (EXACT.has(lower)) return true;
  if (/(^|\/)\.docker\/config\.json$/i.test(normalized)) return true;
  if (lower === '.env' || lower.startsWith('.env.')) return true;
  if (/\.(key|p12|pfx|ovpn)$/.test(lower)) return true;
  if (lower.endsWith('.pem')) return !PUBLIC_PEM.test(lower.slice(0, -4));
  return false;
}
