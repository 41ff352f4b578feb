// Texts for the benchmark (scripts/bench.mjs): written for it, shaped like real files (an official-image
// style Dockerfile built from source; a Compose file of many services with anchors, healthchecks and
// limits), so the engine meets the constructs it meets in the wild. Not copied from any project.

/** One build-from-source stage in the style of official images (gpg check, configure, strip, runDeps). */
function sourceBuildStage(name, version, index) {
  const upper = name.toUpperCase().replace(/-/g, '_');
  return `# ${name} ${version}: built from source, signature checked, build dependencies removed again
FROM alpine:3.20 AS ${name}-build
ENV ${upper}_VERSION ${version}
ENV ${upper}_SHA256 ${(index * 7919).toString(16).padStart(8, '0')}5f0c3a9e2d8b7c6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2
ENV ${upper}_GPG_KEYS \\
# Release Manager One <one@example.org>
\tB42F6819007F00F88E364FD4036A9C25BF357DD4 \\
# Release Manager Two <two@example.org>
\t4ED778F539E3634C779C87C6D7062848A1AB005C

RUN set -eux; \\
\t\\
\tapk add --no-cache --virtual .fetch-deps \\
\t\tca-certificates \\
\t\tgnupg \\
\t\topenssl \\
\t\ttar \\
\t\txz \\
\t; \\
\t\\
\twget -O ${name}.tar.xz "https://downloads.example.org/${name}/${name}-\$${upper}_VERSION.tar.xz"; \\
\techo "\$${upper}_SHA256 *${name}.tar.xz" | sha256sum -c -; \\
\twget -O ${name}.tar.xz.asc "https://downloads.example.org/${name}/${name}-\$${upper}_VERSION.tar.xz.asc"; \\
\tGNUPGHOME="$(mktemp -d)"; export GNUPGHOME; \\
\tfor key in \$${upper}_GPG_KEYS; do \\
\t\tgpg --batch --keyserver keyserver.ubuntu.com --recv-keys "$key"; \\
\tdone; \\
\tgpg --batch --verify ${name}.tar.xz.asc ${name}.tar.xz; \\
\tgpgconf --kill all; \\
\trm -rf "$GNUPGHOME" ${name}.tar.xz.asc; \\
\t\\
\tmkdir -p /usr/src/${name}; \\
\ttar -xJf ${name}.tar.xz -C /usr/src/${name} --strip-components=1; \\
\trm ${name}.tar.xz; \\
\t\\
\tapk add --no-cache --virtual .build-deps \\
\t\tautoconf \\
\t\tbison \\
\t\tcoreutils \\
\t\tdpkg-dev dpkg \\
\t\tgcc \\
\t\tlibc-dev \\
\t\tlibxml2-dev \\
\t\tlinux-headers \\
\t\tmake \\
\t\topenssl-dev \\
\t\tperl \\
\t\treadline-dev \\
\t\tzlib-dev \\
\t; \\
\t\\
\tcd /usr/src/${name}; \\
\tgnuArch="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"; \\
\t./configure \\
\t\t--build="$gnuArch" \\
\t\t--prefix=/usr/local \\
\t\t--with-openssl \\
\t\t--with-libxml \\
\t\t--enable-thread-safety \\
\t\t--disable-rpath \\
\t; \\
\tmake -j "$(nproc)" world-bin; \\
\tmake install-world-bin; \\
\t\\
\trunDeps="$( \\
\t\tscanelf --needed --nobanner --format '%n#p' --recursive /usr/local \\
\t\t\t| tr ',' '\\n' \\
\t\t\t| sort -u \\
\t\t\t| awk 'system("[ -e /usr/local/lib/" $1 " ]") == 0 { next } { print "so:" $1 }' \\
\t)"; \\
\tapk add --no-cache --virtual .${name}-rundeps $runDeps bash tzdata; \\
\tapk del --no-network .build-deps .fetch-deps; \\
\tcd /; \\
\trm -rf /usr/src/${name} /usr/local/share/doc /usr/local/share/man; \\
\tfind /usr/local -name '*.a' -delete; \\
\t${name} --version

`;
}

/** A 10 KB Dockerfile in the style of an official image: global ARGs, build stages, a runtime stage. */
export function realWorldDockerfile(targetBytes = 10 * 1024) {
  let text = `# syntax=docker/dockerfile:1
# NOTE: THIS DOCKERFILE IS GENERATED FOR THE BENCHMARK; IT IS SHAPED LIKE AN OFFICIAL IMAGE'S.
ARG ALPINE_VERSION=3.20
ARG APP_UID=70

`;
  const names = ['acmedb', 'acme-tools', 'acme-extras', 'acme-proxy', 'acme-agent', 'acme-cli'];
  let i = 0;
  const stages = [];
  while (text.length < targetBytes - 1800) {
    const name = names[i % names.length] + (i >= names.length ? `${i}` : '');
    stages.push(name);
    text += sourceBuildStage(name, `${16 + i}.${i % 4}.${i % 3}`, i + 1);
    i++;
  }
  text += `FROM alpine:\${ALPINE_VERSION}
LABEL org.opencontainers.image.title="acmedb" \\
      org.opencontainers.image.source="https://example.org/acmedb"

# explicitly set user/group IDs
RUN set -eux; \\
\taddgroup -g \${APP_UID} -S acme; \\
\tadduser -u \${APP_UID} -S -D -G acme -H -h /var/lib/acmedb -s /bin/sh acme; \\
\tinstall --verbose --directory --owner acme --group acme --mode 1777 /var/lib/acmedb

${stages.map((name) => `COPY --from=${name}-build /usr/local/ /usr/local/`).join('\n')}
RUN apk add --no-cache bash su-exec tzdata icu-data-full musl-locales
ENV LANG en_US.utf8
ENV ACMEDATA /var/lib/acmedb/data
RUN install --verbose --directory --owner acme --group acme --mode 1777 "$ACMEDATA"
VOLUME /var/lib/acmedb/data

COPY docker-entrypoint.sh docker-ensure-initdb.sh /usr/local/bin/
RUN ln -sT docker-ensure-initdb.sh /usr/local/bin/docker-enforce-initdb.sh
ENTRYPOINT ["docker-entrypoint.sh"]

STOPSIGNAL SIGINT
EXPOSE 5432
HEALTHCHECK --interval=30s --timeout=5s CMD pg_isready -U acme || exit 1
CMD ["acmedb"]
`;
  return text;
}

/** One service of the generated Compose file; the kinds rotate so that most rules find something to read. */
function composeService(i) {
  const name = `svc-${i}`;
  switch (i % 5) {
    case 0:
      return `  ${name}:
    <<: *defaults
    image: registry.example.com/team/${name}:1.${i}.0
    ports:
      - "${8000 + i}:8080"
    environment:
      LOG_LEVEL: info
      INDEX: "${i}"
      DATABASE_URL: postgres://app@db-${i}:5432/app
    volumes:
      - ./data/${name}:/data
      - type: bind
        source: ./config/${name}.yaml
        target: /etc/app/config.yaml
        read_only: true
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]
      interval: 30s
      timeout: 5s
      retries: 3
    depends_on:
      db-${i}:
        condition: service_healthy
`;
    case 1:
      return `  db-${i - 1}:
    image: postgres:16.4-alpine
    restart: unless-stopped
    environment:
      - POSTGRES_USER=app
      - POSTGRES_PASSWORD_FILE=/run/secrets/db_password
      - POSTGRES_DB=app
    secrets:
      - db_password
    volumes:
      - db-${i}:/var/lib/postgresql/data
    healthcheck:
      test: [ "CMD-SHELL", "pg_isready -U app" ]
      interval: 10s
    # the database is internal only
    networks: [backend]
`;
    case 2:
      return `  ${name}:
    build:
      context: ./services/${name}
      dockerfile: Dockerfile
      args:
        VERSION: "1.${i}"
    user: "1000:1000"
    read_only: true
    cap_drop: [ALL]
    security_opt:
      - no-new-privileges:true
    deploy:
      resources:
        limits:
          cpus: '0.50'
          memory: 256M
    tmpfs:
      - /tmp
    labels:
      com.example.team: platform
      com.example.service: ${name}
`;
    case 3:
      return `  ${name}:
    image: "nginx:1.27-alpine"
    ports:
      - 127.0.0.1:${9000 + i}:80
      - "${8443 + i}:443"
    volumes:
      - ./nginx/${name}.conf:/etc/nginx/conf.d/default.conf:ro
      - /var/run/docker.sock:/var/run/docker.sock
    command: >
      nginx -g 'daemon off;'
    logging:
      driver: json-file
      options: { max-size: "10m", max-file: "3" }
`;
    default:
      return `  ${name}:
    image: ghcr.io/example/worker:latest
    privileged: ${i % 2 === 0 ? 'true' : 'false'}
    network_mode: ${i % 3 === 0 ? 'host' : 'bridge'}
    cap_add:
      - NET_ADMIN
    environment:
      API_TOKEN: \${API_TOKEN:-changeme}
      WORKERS: ${i % 8}
    extra_hosts:
      - "host.docker.internal:host-gateway"
`;
  }
}

/** A standalone Compose file of about `lines` lines (2,000 by default). */
export function realWorldCompose(lines = 2000) {
  let text = `# Generated for the benchmark: a large stack with shared defaults.
name: bench-stack

x-defaults: &defaults
  restart: unless-stopped
  logging:
    driver: json-file
    options:
      max-size: "10m"

services:
`;
  const databases = [];
  let i = 0;
  while (text.split('\n').length < lines - 20) {
    if (i % 5 === 1) databases.push(i);
    text += composeService(i);
    i++;
  }
  text += `
networks:
  backend:
    internal: true

volumes:
${databases.map((d) => `  db-${d}:`).join('\n')}

secrets:
  db_password:
    file: ./secrets/db_password.txt
`;
  return text;
}

/** A Compose file of about `bytes` characters (the "large file" of the load test). */
export function largeCompose(bytes = 200 * 1024) {
  let lines = 2000;
  let text = realWorldCompose(lines);
  while (text.length < bytes) {
    lines = Math.ceil(lines * (bytes / text.length)) + 10;
    text = realWorldCompose(lines);
  }
  return text;
}

/** A small Dockerfile and Compose file, the documents edited while a large file is analyzed. */
export const smallDockerfile = 'FROM node:22-alpine\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n';
export const smallCompose = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n    privileged: true\n';
