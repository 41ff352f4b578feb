import * as fs from 'node:fs';

// V8 keeps a script's source for as long as the script lives, as a one-byte string when every character
// is Latin-1, else as a two-byte one: a single `…` in a comment, or the U+FFFF that isomorphic-git writes
// literally in a regular expression, would double the server's 2.6 MB source in memory. esbuild leaves
// comments and regular expressions as written, so the remaining characters become `\uXXXX` escapes
// (the same text in comments, strings, regular expressions and identifiers).
export function keepOneByte(file) {
  const text = fs.readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) fs.writeFileSync(file, ascii);
}
