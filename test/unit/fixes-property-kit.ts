// Generators and the checker of the fix property test (fixes-property.test.ts): hostile variants of
// a few hand-written Compose files and Dockerfiles (odd indents, tabs, CRLF and lone CR, U+2028/U+2029,
// flow and block mixes, comments between keys, quotes, BOM), and a check that every fix the engine
// offers on them applies, leaves text that parses as well as before, and removes what it fixes.
// Not a test file itself: the test and the exploration runs import it.
import fc from 'fast-check';
import { allRules, analyze, type Analysis } from '../../server/src/engine/engine';
import { defaultSettings, type EngineSettings } from '../../server/src/engine/settings';
import { applyEdits } from '../../server/src/engine/text';
import type { FileKind, Finding, Fix } from '../../server/src/engine/types';

// ---- seeds ---------------------------------------------------------------------------------------

export const composeSeeds: string[] = [
  [
    'x-base: &base',
    '  restart: always',
    '  environment:',
    '    LOG_LEVEL: info',
    '',
    'services:',
    '  web:',
    '    <<: *base',
    '    image: nginx',
    '    ports:',
    '      - "80:80"',
    '      - 8443:443',
    '    volumes:',
    '      - /var/run/docker.sock:/var/run/docker.sock',
    '      - ./html:/usr/share/nginx/html',
    '    privileged: true',
    '    cap_add: [SYS_ADMIN, NET_ADMIN]',
    '    security_opt:',
    '      - seccomp:unconfined',
    '      - apparmor=unconfined',
    '  db:',
    '    image: "postgres:16"',
    '    environment:',
    '      POSTGRES_PASSWORD: "Zk8s9dLq2Xv7Pm3Nw4Rt6Yb1"',
    '      LOG_LEVEL: debug',
    '    user: root',
    '    pid: host',
    '    ipc: host',
    '    volumes:',
    '      - /etc:/host/etc',
    '  worker:',
    '    build:',
    '      context: .',
    '      args:',
    '        NPM_TOKEN: Qm9vdHN0cmFwVG9rZW4xMjM0NTY3',
    '    command: ["--api-token", "Zk8s9dLq2Xv7Pm3Nw4Rt6Yb1"]',
    '    tmpfs:',
    '      - /tmp',
    '    ports: ["9000:9000", "22:22"]',
    '    network_mode: host',
    '',
  ].join('\n'),
  "services: {app: {image: 'redis:latest', ports: ['6379:6379'], cap_add: [ALL], privileged: true, volumes: ['/:/host']}}\n",
  [
    '# top comment',
    'services:',
    '  # the api',
    '  api:',
    '    image: ghcr.io/org/api:1.2',
    '    # ports below',
    '    ports:',
    '      - target: 80',
    '        published: 8080',
    '    environment:',
    '      - SECRET_KEY=Q2hhbmdlTWVQbGVhc2UhMTIzNDU2',
    '    healthcheck:',
    '      disable: true',
    '    logging:',
    '      driver: json-file',
    '    userns_mode: host',
    '    uts: host',
    '    cgroup: host',
    '    devices:',
    '      - /dev/mem:/dev/mem',
    '  cache:',
    '    image: memcached',
    '    deploy:',
    '      resources:',
    '        reservations:',
    '          memory: 64M',
    '    volumes:',
    '      - type: bind',
    '        source: /var/lib/docker',
    '        target: /docker',
    '        bind:',
    '          propagation: rshared',
    '---',
    'services:',
    '  api:',
    '    read_only: true',
    '',
  ].join('\n'),
  [
    'x-ports: &ports',
    '  - "0.0.0.0:5432:5432"',
    '  - "[::]:6000-6005:6000-6005/udp"',
    'x-env: &env',
    '  DB_PASSWORD: "Zk8s9dLq2Xv7Pm3Nw4Rt6Yb1"',
    'services:',
    '  app:',
    '    image: example/app:${TAG:-latest}',
    '    ports: *ports',
    '    environment: *env',
    '    volumes: [',
    '      "/var/run/docker.sock:/var/run/docker.sock:rw",',
    '      "./data:/data:z",',
    '    ]',
    '    tmpfs: /run',
    '    deploy: {resources: {limits: {cpus: "0.5"}}}',
    '    security_opt: [label=disable]',
    '    cap_drop: [NET_RAW]',
    '    logging: {driver: json-file}',
    '    restart: "no"',
    '  edge:',
    '    image: traefik:v3.1',
    '    ports:',
    '      - mode: host',
    '        target: 443',
    '        published: "443"',
    '      - 127.0.0.1:8080:8080',
    '    volumes:',
    '      - type: bind',
    '        source: /var/run/docker.sock',
    '        target: /var/run/docker.sock',
    '        read_only: false',
    '      - type: tmpfs',
    '        target: /tmp',
    '    environment:',
    '      - "TRAEFIK_API_TOKEN=Qm9vdHN0cmFwVG9rZW4xMjM0NTY3"',
    '      - LOG=debug',
    '    healthcheck:',
    '      test: ["CMD", "traefik", "healthcheck"]',
    '    ulimits:',
    '      nofile: 65536',
    '    pids_limit: -1',
    '    mem_limit: 0',
    '',
  ].join('\n'),
  [
    'services:',
    '  job:',
    '    image: alpine:3.20',
    '    command: |',
    '      echo start',
    '',
    '      echo end',
    '',
    '  # about the next service',
    '  other:',
    '    image: busybox',
    '    entrypoint: >-',
    '      sh -c',
    "      'sleep 1'",
    '    # the end of other',
    '  multi: {',
    '    image: redis,',
    '    privileged: true',
    '  }',
    '  last:',
    '    image: "nginx:1.27"',
    '    environment:',
    '      PASSWORD: "Zk8s9dLq2Xv7Pm3Nw4Rt6Yb1" # literal',
    '    cap_add:',
    '    - ALL',
    '# end of file',
  ].join('\n'),
];

export const dockerfileSeeds: string[] = [
  [
    'FROM ubuntu',
    'RUN apt-get update',
    'RUN apt-get install -y curl wget sudo && curl -k https://example.com/x.sh | bash',
    'RUN wget --no-check-certificate https://example.com/a.tgz',
    'RUN pip install --trusted-host pypi.org flask',
    'ENV NODE_TLS_REJECT_UNAUTHORIZED=0',
    'RUN npm config set strict-ssl false',
    'ADD app.py /app/',
    'ARG GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'ENV API_SECRET=Zk8s9dLq2Xv7Pm3Nw4Rt6Yb1',
    'EXPOSE 22 2375',
    'VOLUME /var/run/docker.sock',
    'RUN chmod 777 /app && chmod u+s /usr/bin/foo',
    'USER root',
    'RUN sudo apt-get install -y vim',
    'CMD python /app/app.py',
    '',
  ].join('\n'),
  [
    '# syntax=docker/dockerfile:1',
    'FROM node:20 AS build',
    'WORKDIR /src',
    'COPY . .',
    'RUN --security=insecure npm ci',
    'RUN yum install -y --nogpgcheck httpd \\',
    '    && echo done',
    'FROM alpine:3.20',
    'RUN apk add --allow-untrusted --no-cache foo',
    'RUN <<EOF',
    'curl -fsSL https://get.example.com | sh',
    'EOF',
    'COPY --from=build /src /app',
    'RUN chown -R app /app',
    'USER app',
    'ENTRYPOINT node /app/index.js',
    '',
  ].join('\n'),
  [
    'FROM debian:12',
    'RUN apt-get update && apt-get install -y \\',
    '    # the tools',
    '    ca-certificates \\',
    '    curl \\',
    ' && rm -rf /var/lib/apt/lists/*',
    'RUN echo "deb http://archive.example.com/debian stable main" > /etc/apt/sources.list.d/x.list',
    'COPY id_rsa /root/.ssh/id_rsa',
    'RUN aws configure set aws_secret_access_key Zk8s9dLq2Xv7Pm3Nw4Rt6Yb1',
    'USER 0',
    'HEALTHCHECK NONE',
    'CMD ["nginx", "-g", "daemon off;"]',
    '',
  ].join('\n'),
];

// ---- mutations -----------------------------------------------------------------------------------

/** One edit of a text; `at` and `n` pick where and how much (taken modulo what the text has). */
export interface Mutation {
  kind: string;
  at: number;
  n: number;
}

const lineBreak = /\r\n|\n|\r/;

function splitLines(text: string): string[] {
  return text.split(lineBreak);
}

/** Mutations both kinds share: line endings, blanks, comments, Unicode separators, a BOM. */
function common(text: string, m: Mutation, comment: string): string | undefined {
  const lines = splitLines(text);
  const line = m.at % lines.length;
  switch (m.kind) {
    case 'crlf':
      return lines.join('\r\n');
    case 'cr':
      return lines.join('\r');
    case 'trailing-blanks':
      lines[line] += [' ', '\t', ' \t', '  '][m.n % 4];
      return lines.join('\n');
    case 'comment-line':
      lines.splice(line, 0, `${' '.repeat(m.n % 2 === 0 ? 0 : /^[ \t]*/.exec(lines[line])![0].length)}${comment} note ${m.n}`);
      return lines.join('\n');
    case 'separator-comment':
      // U+2028 / U+2029 inside a comment line: not a line break for YAML, LSP or Docker.
      lines.splice(line, 0, `${comment} a${m.n % 2 === 0 ? '\u2028' : '\u2029'}b`);
      return lines.join('\n');
    case 'separator-end':
      lines[line] += m.n % 2 === 0 ? '\u2028' : '\u2029';
      return lines.join('\n');
    case 'bom':
      return text.startsWith('\ufeff') ? text : `\ufeff${text}`;
    case 'blank-line':
      lines.splice(line, 0, m.n % 3 === 0 ? '' : m.n % 3 === 1 ? '  ' : '\t');
      return lines.join('\n');
    case 'no-final-newline':
      return text.replace(/(\r\n|\n|\r)+$/, '');
    case 'mixed-eol':
      // One line ends differently from the others.
      return lines.map((l, i) => l + (i === lines.length - 1 ? '' : i === line ? ['\r\n', '\r', '\n'][m.n % 3] : '\n')).join('');
    default:
      return undefined;
  }
}

export const composeMutationKinds = [
  'crlf', 'cr', 'trailing-blanks', 'comment-line', 'separator-comment', 'separator-end', 'bom', 'blank-line', 'no-final-newline',
  'reindent', 'tab-after-colon', 'quote', 'flow-sequence', 'flow-mapping', 'block-sequence', 'end-comment', 'document-start', 'anchor-service',
  'zero-indent-sequence', 'odd-indent-block', 'comment-after-key', 'quoted-key', 'value-on-next-line', 'tab-in-flow',
  'mixed-eol', 'tab-indent', 'scalar-alias', 'tagged-scalar', 'document-end', 'spaced-colon', 'empty-service',
];

/** Indentation (spaces and tabs) of a line. */
function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].length;
}

/** The lines after `line` that are nested under it (more indented, or blank / comment lines between them). */
function blockAfter(lines: string[], line: number): number {
  const own = indentOf(lines[line]);
  let end = line + 1;
  while (end < lines.length && (lines[end].trim() === '' || indentOf(lines[end]) > own)) end++;
  while (end > line + 1 && lines[end - 1].trim() === '') end--;
  return end;
}

/** Applies one mutation to a Compose text. */
export function mutateCompose(text: string, m: Mutation): string {
  const done = common(text, m, '#');
  if (done !== undefined) return done;
  const lines = splitLines(text);
  const line = m.at % lines.length;
  switch (m.kind) {
    case 'reindent': {
      // Every indentation step of two spaces becomes 1, 3, 4 or 5 spaces (consistently: the YAML stays valid).
      const width = [1, 3, 4, 5][m.n % 4];
      return lines.map((l) => l.replace(/^( +)/, (spaces) => ' '.repeat(Math.round((spaces.length / 2) * width)))).join('\n');
    }
    case 'tab-after-colon':
      lines[line] = lines[line].replace(/^([ \t]*[A-Za-z_][\w.-]*):[ ](?=\S)/, '$1:\t');
      return lines.join('\n');
    case 'quote': {
      const quote = m.n % 2 === 0 ? '"' : "'";
      lines[line] = lines[line].replace(/^([ \t]*(?:- )?[A-Za-z_][\w.-]*: )([A-Za-z0-9][\w./:@-]*)$/, `$1${quote}$2${quote}`);
      return lines.join('\n');
    }
    case 'flow-sequence': {
      // `key:` followed by `- a` items (plain scalars) becomes `key: [a, b]`.
      for (let i = line; i < lines.length - 1; i++) {
        const key = /^([ \t]*[A-Za-z_][\w.-]*):\s*$/.exec(lines[i]);
        if (!key) continue;
        const items: string[] = [];
        let j = i + 1;
        for (; j < lines.length; j++) {
          const item = /^[ \t]*- ([^\s#{}[\],&*!|>'"%@`][^#{}[\],]*?|"[^"]*"|'[^']*')\s*$/.exec(lines[j]);
          if (!item || item[1].includes(': ')) break;
          items.push(item[1]);
        }
        if (items.length === 0) continue;
        lines.splice(i, j - i, `${key[1]}: [${items.join(', ')}]`);
        return lines.join('\n');
      }
      return text;
    }
    case 'flow-mapping': {
      // `key:` followed by `  a: b` pairs (plain scalars, one level) becomes `key: {a: b}`.
      for (let i = line; i < lines.length - 1; i++) {
        const key = /^([ \t]*)([A-Za-z_][\w.-]*):\s*$/.exec(lines[i]);
        if (!key) continue;
        const pairs: string[] = [];
        let j = i + 1;
        for (; j < lines.length; j++) {
          const indent = /^[ \t]*/.exec(lines[j])![0];
          const pair = /^[ \t]*([A-Za-z_][\w.-]*): ([A-Za-z0-9"'][^#{}[\],]*?)\s*$/.exec(lines[j]);
          if (!pair || indent.length <= key[1].length) break;
          pairs.push(`${pair[1]}: ${pair[2]}`);
        }
        if (pairs.length === 0 || (j < lines.length && /^[ \t]*/.exec(lines[j])![0].length > key[1].length && lines[j].trim() !== '')) continue;
        lines.splice(i, j - i, `${key[1]}${key[2]}: {${pairs.join(', ')}}`);
        return lines.join('\n');
      }
      return text;
    }
    case 'block-sequence': {
      // `key: [a, b]` becomes a block sequence.
      const flow = /^([ \t]*)([A-Za-z_][\w.-]*): \[([^\]\[{}]*)\]\s*$/.exec(lines[line]);
      if (!flow) return text;
      const items = flow[3].split(',').map((item) => item.trim()).filter((item) => item !== '');
      lines.splice(line, 1, `${flow[1]}${flow[2]}:`, ...items.map((item) => `${flow[1]}${' '.repeat(1 + (m.n % 3))}- ${item}`));
      return lines.join('\n');
    }
    case 'zero-indent-sequence': {
      // `key:` then `  - item` becomes `key:` then `- item` (a sequence at its key's indentation).
      for (let i = line; i < lines.length - 1; i++) {
        if (!/^[ \t]*[A-Za-z_][\w.-]*:\s*$/.test(lines[i]) || !/^[ \t]*- /.test(lines[i + 1])) continue;
        const shift = indentOf(lines[i + 1]) - indentOf(lines[i]);
        if (shift <= 0) continue;
        const end = blockAfter(lines, i);
        for (let j = i + 1; j < end; j++) if (lines[j].trim() !== '') lines[j] = lines[j].slice(shift);
        return lines.join('\n');
      }
      return text;
    }
    case 'odd-indent-block': {
      // The lines nested under one key move right by 1 or 3 blanks (the block stays consistent).
      for (let i = line; i < lines.length - 1; i++) {
        if (!/^[ \t]*[A-Za-z_][\w.-]*:\s*$/.test(lines[i])) continue;
        const end = blockAfter(lines, i);
        if (end === i + 1) continue;
        const pad = ' '.repeat(m.n % 2 === 0 ? 1 : 3);
        for (let j = i + 1; j < end; j++) if (lines[j].trim() !== '') lines[j] = pad + lines[j];
        return lines.join('\n');
      }
      return text;
    }
    case 'comment-after-key':
      lines[line] = lines[line].replace(/^([ \t]*[A-Za-z_][\w.-]*:)\s*$/, `$1 # about ${m.n}`);
      return lines.join('\n');
    case 'quoted-key':
      lines[line] = lines[line].replace(/^([ \t]*)([A-Za-z_][\w.-]*):(?=\s|$)/, m.n % 2 === 0 ? '$1"$2":' : "$1'$2':");
      return lines.join('\n');
    case 'value-on-next-line': {
      // `key: value` becomes `key:` and the value on the next line, further indented (a plain multi-line scalar).
      const pair = /^([ \t]*)([A-Za-z_][\w.-]*): ([A-Za-z0-9][\w./:@-]*)$/.exec(lines[line]);
      if (!pair) return text;
      lines.splice(line, 1, `${pair[1]}${pair[2]}:`, `${pair[1]}${' '.repeat(2 + (m.n % 3))}${pair[3]}`);
      return lines.join('\n');
    }
    case 'tab-indent':
      // A tab in an indentation is a YAML error: fixes must not add others.
      lines[line] = lines[line].replace(/^  /, '\t');
      return lines.join('\n');
    case 'scalar-alias': {
      // `image: x` gets an anchor; a later plain value of the same key reads it through an alias.
      const at = lines.findIndex((l, i) => i >= line && /^[ \t]+image: [^&*\s][^#]*$/.test(l));
      if (at < 0) return text;
      lines[at] = lines[at].replace(/image: /, `image: &img${m.n % 10} `);
      const later = lines.findIndex((l, i) => i > at && /^[ \t]+image: [^&*\s][^#]*$/.test(l));
      if (later > 0) lines[later] = lines[later].replace(/image: .*$/, `image: *img${m.n % 10}`);
      return lines.join('\n');
    }
    case 'tagged-scalar':
      lines[line] = lines[line].replace(/: (true|false)$/, ': !!bool $1').replace(/: (\d+)$/, ': !!str $1');
      return lines.join('\n');
    case 'document-end':
      return text.replace(/(\r\n|\n|\r)?$/, '\n...\n');
    case 'spaced-colon':
      lines[line] = lines[line].replace(/^([ \t]*[A-Za-z_][\w.-]*):(?=\s|$)/, '$1 :');
      return lines.join('\n');
    case 'empty-service': {
      const at = lines.findIndex((l) => /^services:\s*$/.test(l));
      if (at < 0) return text;
      lines.splice(at + 1, 0, m.n % 2 === 0 ? `  empty${m.n % 10}:` : `  empty${m.n % 10}: {}`);
      return lines.join('\n');
    }
    case 'tab-in-flow':
      lines[line] = lines[line].replace(/\[(?=\S)/, '[\t').replace(/, /g, ',\t');
      return lines.join('\n');
    case 'end-comment':
      if (/['"|>]\s*$|^\s*#/.test(lines[line])) return text;
      lines[line] += `${m.n % 2 === 0 ? ' ' : '\t'}# end ${m.n}`;
      return lines.join('\n');
    case 'document-start':
      return `---${m.n % 2 === 0 ? '' : ' # doc'}\n${text}`;
    case 'anchor-service': {
      // The first service's mapping gets an anchor, and a new service merges it.
      const at = lines.findIndex((l) => /^  [A-Za-z_][\w.-]*:\s*$/.test(l));
      if (at < 0 || !lines.some((l) => /^services:\s*$/.test(l))) return text;
      lines[at] = `${lines[at].trimEnd()} &svc${m.n % 10}`;
      lines.push(`  copy${m.n % 10}:`, `    <<: *svc${m.n % 10}`, `    image: busybox:1.36`);
      return lines.join('\n');
    }
    default:
      return text;
  }
}

export const dockerfileMutationKinds = [
  'crlf', 'cr', 'trailing-blanks', 'comment-line', 'separator-comment', 'separator-end', 'bom', 'blank-line', 'no-final-newline',
  'lowercase', 'indent', 'continuation', 'comment-in-continuation', 'tab-separator', 'escape-directive',
  'blank-after-escape', 'empty-continuation', 'json-spacing', 'dangling-continuation', 'heredoc-dash',
  'mixed-eol', 'onbuild', 'single-quoted-json',
];

/** Applies one mutation to a Dockerfile text. */
export function mutateDockerfile(text: string, m: Mutation): string {
  const done = common(text, m, '#');
  if (done !== undefined) return done;
  const lines = splitLines(text);
  const line = m.at % lines.length;
  switch (m.kind) {
    case 'lowercase':
      lines[line] = lines[line].replace(/^([ \t]*)([A-Z]+)(?=\s)/, (_, blanks: string, keyword: string) => blanks + (m.n % 2 === 0 ? keyword.toLowerCase() : keyword[0] + keyword.slice(1).toLowerCase()));
      return lines.join('\n');
    case 'indent':
      lines[line] = (m.n % 2 === 0 ? '  ' : '\t') + lines[line];
      return lines.join('\n');
    case 'continuation': {
      // A long line is split at a blank into a continuation line.
      const blanks = [...lines[line].matchAll(/ /g)].map((match) => match.index!);
      if (blanks.length < 2 || /^\s*#/.test(lines[line])) return text;
      const at = blanks[1 + (m.n % (blanks.length - 1))];
      lines.splice(line, 1, `${lines[line].slice(0, at)} \\`, `${m.n % 2 === 0 ? '    ' : '\t'}${lines[line].slice(at + 1)}`);
      return lines.join('\n');
    }
    case 'comment-in-continuation': {
      const at = lines.findIndex((l, i) => i >= line && /\\$/.test(l));
      if (at < 0) return text;
      lines.splice(at + 1, 0, `    # inside ${m.n}`);
      return lines.join('\n');
    }
    case 'tab-separator':
      lines[line] = lines[line].replace(/^([ \t]*[A-Za-z]+) /, '$1\t');
      return lines.join('\n');
    case 'onbuild':
      lines[line] = lines[line].replace(/^(RUN|COPY|ADD|USER|ENV) /i, 'ONBUILD $1 ');
      return lines.join('\n');
    case 'single-quoted-json':
      lines[line] = lines[line].replace(/^((?:CMD|ENTRYPOINT|RUN) )\[(.*)\]$/i, (_, head: string, body: string) => `${head}[${body.replace(/"/g, "'")}]`);
      return lines.join('\n');
    case 'blank-after-escape':
      // `\ ` with blanks after the escape character still continues the line (BuildKit).
      lines[line] = lines[line].replace(/\\$/, m.n % 2 === 0 ? '\\ ' : '\\\t');
      return lines.join('\n');
    case 'empty-continuation': {
      const at = lines.findIndex((l, i) => i >= line && /\\$/.test(l));
      if (at < 0) return text;
      lines.splice(at + 1, 0, '');
      return lines.join('\n');
    }
    case 'json-spacing':
      lines[line] = lines[line].replace(/\["/, '[ "').replace(/", "/g, '" ,  "').replace(/"\]/, '" ]');
      return lines.join('\n');
    case 'dangling-continuation':
      return text.replace(/(\r\n|\n|\r)*$/, ' \\');
    case 'heredoc-dash':
      return text.replace(/<<EOF(\r\n|\n|\r)([^]*?)(\r\n|\n|\r)EOF/, (_, a: string, body: string, b: string) => `<<-EOF${a}\t${body}${b}\tEOF`);
    case 'escape-directive':
      if (/^\ufeff?#\s*escape/i.test(text)) return text;
      return `# escape=\`\n${text.replace(/\\(\r\n|\n|\r)/g, '`$1')}`;
    default:
      return text;
  }
}

const mutation = (kinds: string[]) => fc.record({ kind: fc.constantFrom(...kinds), at: fc.nat({ max: 200 }), n: fc.nat({ max: 100 }) });

/** A seed and the mutations applied to it in order. */
export const composeText = fc
  .tuple(fc.nat({ max: composeSeeds.length - 1 }), fc.array(mutation(composeMutationKinds), { minLength: 1, maxLength: 5 }))
  .map(([seed, mutations]) => mutations.reduce(mutateCompose, composeSeeds[seed]));

export const dockerfileText = fc
  .tuple(fc.nat({ max: dockerfileSeeds.length - 1 }), fc.array(mutation(dockerfileMutationKinds), { minLength: 1, maxLength: 5 }))
  .map(([seed, mutations]) => mutations.reduce(mutateDockerfile, dockerfileSeeds[seed]));

// ---- the property --------------------------------------------------------------------------------

/**
 * Summaries on with the default severities; or summaries off with every rule on (a rule that is off by
 * default is not run at all, so its fixes would go unchecked).
 */
function settingsFor(summarize: boolean): EngineSettings {
  if (summarize) return { ...defaultSettings, summarize };
  const rules = Object.fromEntries(allRules.filter((meta) => meta.severity === 'off').map((meta) => [meta.id, 'info' as const]));
  return { ...defaultSettings, summarize, rules };
}

/** Problems of the parsers and the model (YAML errors, dockerfile-utils, model problems), as counted messages. */
function problemCounts(analysis: Analysis): Map<string, number> {
  const counts = new Map<string, number>();
  for (const problem of analysis.problems) {
    // Informational notes about the checks (a rule that could not run) are not parse problems.
    if (problem.severity === 'info' || problem.severity === 'hint') continue;
    const key = `${problem.source} ${problem.severity}: ${problem.message}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function findingCount(findings: Finding[], like: Finding): number {
  return findings.filter((finding) => finding.ruleId === like.ruleId && finding.message === like.message).length;
}

/** What is wrong with one fix of one finding; undefined when it is right. */
function judgeFix(text: string, kind: FileKind, settings: EngineSettings, before: Analysis, finding: Finding, fix: Fix): string | undefined {
  let fixed: string;
  try {
    fixed = applyEdits(text, fix.edits);
  } catch (error) {
    return `its edits do not apply (${(error as Error).message})`;
  }
  const after = analyze(fixed, { kind, settings });
  const old = problemCounts(before);
  for (const [problem, count] of problemCounts(after)) {
    if (count > (old.get(problem) ?? 0)) return `the fixed text has a new problem: ${problem}\n--- fixed text:\n${JSON.stringify(fixed)}`;
  }
  if (finding.service !== undefined && finding.members) {
    // A per-service summary: the measure the fix adds leaves the service's members (or the summary goes).
    const summary = after.findings.find((other) => other.ruleId === finding.ruleId && other.service === finding.service);
    const left = summary?.members ?? [];
    const gone = finding.members.filter((member) => !left.includes(member));
    const joined = left.filter((member) => !finding.members!.includes(member));
    if (gone.length === 0 || joined.length > 0) {
      return `the summary's members did not shrink (${finding.members.join(' ')} → ${left.join(' ')})\n--- fixed text:\n${JSON.stringify(fixed)}`;
    }
    return undefined;
  }
  if (findingCount(after.findings, finding) >= findingCount(before.findings, finding)) {
    return `the finding is still there\n--- fixed text:\n${JSON.stringify(fixed)}`;
  }
  return undefined;
}

/** Every fix of every finding of the text, with summaries on and off: the failures, one line each. */
export function fixFailures(text: string, kind: FileKind): string[] {
  const failures: string[] = [];
  for (const summarize of [true, false]) {
    const settings = settingsFor(summarize);
    const before = analyze(text, { kind, settings });
    for (const finding of before.findings) {
      for (const fix of finding.fixes) {
        const failure = judgeFix(text, kind, settings, before, finding, fix);
        if (failure) failures.push(`${finding.ruleId} "${fix.title}" (summarize ${summarize ? 'on' : 'off'}): ${failure}\n--- text:\n${JSON.stringify(text)}`);
      }
    }
  }
  return failures;
}
