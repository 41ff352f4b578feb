// Unit tests of the shared secret predicates (server/src/engine/secrets.ts) used by CG-D030, D031,
// D032 and C030: the secret-name word rules, the literal-value rules, entropy and credential formats.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  findCredentials,
  hasVariableReference,
  isHighEntropyLiteral,
  isLiteralSecretValue,
  isSecretName,
  nameWords,
  shannonEntropy,
} from '../../server/src/engine/secrets';

describe('nameWords', () => {
  it('splits at _ - . and lower-to-upper case changes, lower-cased', () => {
    assert.deepEqual(nameWords('DB_PASSWORD'), ['db', 'password']);
    assert.deepEqual(nameWords('api-key.value'), ['api', 'key', 'value']);
    assert.deepEqual(nameWords('githubToken'), ['github', 'token']);
    assert.deepEqual(nameWords('myAPIKey'), ['my', 'apikey']);
    assert.deepEqual(nameWords('PGPASSWORD'), ['pgpassword']);
    assert.deepEqual(nameWords('__A__b__'), ['a', 'b']);
    assert.deepEqual(nameWords('s3Secret'), ['s3secret'], 'a digit is not a lower-case letter');
    assert.deepEqual(nameWords('awsSecret2Key'), ['aws', 'secret2key']);
    assert.deepEqual(nameWords(''), []);
  });
});

describe('isSecretName', () => {
  it('matches every secret word, as a word, in any case or separator style', () => {
    const yes = [
      'PASSWORD', 'DB_PASSWORD', 'db-passwd', 'MYSQL_ROOT_PWD', 'PWORD', 'SMTP_PASS', 'GPG_PASSPHRASE', 'SECRET',
      'JWT_SECRET', 'APP_SECRETS', 'NPM_TOKEN', 'GITHUB_AUTH_TOKEN', 'apiKey', 'API_KEY', 'APIKEY', 'SSH_KEY',
      'SECRET_KEY_BASE', 'CREDENTIAL', 'AWS_CREDENTIALS', 'REGISTRY_CREDS', 'PGPASSWORD', 'mysqlPassword',
      'VITE_API_KEY', 'REACT_APP_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'stripe.secret.key', 'KEY',
    ];
    for (const name of yes) assert.ok(isSecretName(name), name);
  });

  it('needs a whole secret word (substrings do not count, except password)', () => {
    const no = [
      'KEYCLOAK_REALM', 'TOKENIZER', 'BYPASS_CACHE', 'COMPASS', 'PASSENGER_APP_ENV', 'SECRETARY', 'MONKEY',
      'API_BASE', 'AUTH', 'REGISTRY_AUTH', 'CERT', 'TLS_CERT', 'NODE_ENV', 'DEBIAN_FRONTEND', 'PATH', '',
    ];
    for (const name of no) assert.ok(!isSecretName(name), name);
  });

  it('excludes public material and GPG/PGP key fingerprints', () => {
    for (const name of ['PUBLIC_KEY', 'SSH_PUB_KEY', 'STRIPE_PUBLISHABLE_KEY', 'publicToken', 'GPG_KEY', 'PYTHON_GPG_KEY', 'pgpKey', 'GPG_KEY_PASSPHRASE']) {
      assert.ok(!isSecretName(name), name);
    }
    assert.ok(isSecretName('GPG_PASSPHRASE'));
    assert.ok(isSecretName('KEY_GPG'), 'key before gpg still counts');
  });

  it('excludes names whose last word names or describes the secret', () => {
    const no = [
      'POSTGRES_PASSWORD_FILE', 'SECRET_PATH', 'KEY_DIR', 'TOKEN_URL', 'TOKEN_URI', 'PASSWORD_HOST', 'SECRET_HOSTNAME',
      'TOKEN_PORT', 'PASSWORD_USER', 'DB_PASSWORD_USERNAME', 'SECRET_NAME', 'API_KEY_ID', 'PASSWORD_EMAIL',
      'TOKEN_VERSION', 'TOKEN_TYPE', 'PASSWORD_MODE', 'AUTH_TOKEN_METHOD', 'SECRET_PROVIDER', 'TOKEN_PREFIX',
      'PASSWORD_ENABLED', 'TOKEN_TTL', 'TOKEN_EXPIRY', 'TOKEN_TIMEOUT', 'PASSWORD_LENGTH', 'KEY_SIZE', 'secretFile',
    ];
    for (const name of no) assert.ok(!isSecretName(name), name);
    assert.ok(isSecretName('FILE_PASSWORD'), 'only the last word is judged');
  });

  it('knows the two exceptions', () => {
    assert.ok(isSecretName('AWS_ACCESS_KEY_ID'));
    assert.ok(isSecretName('aws-access-key-id'));
    assert.ok(!isSecretName('GOOGLE_APPLICATION_CREDENTIALS'));
  });

  it('does not match the non-secret names of hadolint DL3064', () => {
    for (const name of ['TRAVIS_OS_NAME', 'DOCKER_EMAIL', 'FACEBOOK_APP_ID', 'DOCKER_USERNAME', 'NPM_USERNAME']) {
      assert.ok(!isSecretName(name), name);
    }
  });

  it('never throws on odd input', () => {
    assert.equal(isSecretName(undefined as unknown as string), false);
    assert.equal(isSecretName('---'), false);
  });
});

describe('isLiteralSecretValue', () => {
  it('accepts plain values', () => {
    for (const value of ['hunter2', 's3cr3t!', 'abc$', '$1abc', 'a b', '0', 'no-way']) assert.ok(isLiteralSecretValue(value), value);
  });

  it('rejects empty, null, variables, booleans, paths and placeholders', () => {
    const no: (string | null | undefined)[] = [
      null, undefined, '', '   ', '$DB_PASS', '${DB_PASS}', 'pre${X}post', '${X:-default}', 'true', 'FALSE', 'yes', 'No', 'on', 'off',
      '/run/secrets/db_password', './secret.txt', '../x', '~/token', 'changeme', 'CHANGE-ME', 'change_me', '<your token>', '<>',
      'xxxx', 'XXX', '****', '...', 'x.x*',
    ];
    for (const value of no) assert.ok(!isLiteralSecretValue(value), String(value));
  });

  it('reads $$ as a literal $ in Compose and \\$ as one in a Dockerfile', () => {
    assert.ok(isLiteralSecretValue('pa$$word', { compose: true }));
    assert.ok(!isLiteralSecretValue('pa$$word'), 'in a Dockerfile `$$word` is a reference');
    assert.ok(!isLiteralSecretValue('$${X}${Y}', { compose: true }));
    assert.ok(isLiteralSecretValue('pa\\$word'));
    assert.ok(hasVariableReference('a$B'));
    assert.ok(!hasVariableReference('a$1 $ $'));
  });
});

describe('entropy', () => {
  it('computes bits per character', () => {
    assert.equal(shannonEntropy(''), 0);
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('ab'), 1);
    assert.equal(shannonEntropy('abcd'), 2);
    assert.ok(Math.abs(shannonEntropy('0123456789abcdef') - 4) < 1e-9);
  });

  it('needs 16 characters and 3.5 bits per character', () => {
    assert.ok(isHighEntropyLiteral('0123456789abcdef'));
    assert.ok(!isHighEntropyLiteral('0123456789abcde'), '15 characters');
    assert.ok(!isHighEntropyLiteral('aaaaaaaabbbbbbbbcccc'), 'low entropy');
    assert.ok(!isHighEntropyLiteral('${SOME_LONG_VARIABLE_NAME}'), 'a reference is not a literal');
  });
});

describe('findCredentials', () => {
  const kinds = (text: string) => findCredentials(text).map((m) => m.kind);
  const spans = (text: string) => findCredentials(text).map((m) => text.slice(m.start, m.end));

  it('finds PEM private keys but not public keys or certificates', () => {
    for (const header of ['RSA PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'PGP PRIVATE KEY BLOCK']) {
      assert.deepEqual(kinds(`x -----BEGIN ${header}----- y`), ['private-key'], header);
    }
    assert.deepEqual(kinds('-----BEGIN PUBLIC KEY-----\n-----BEGIN CERTIFICATE-----\n-----BEGIN PGP PUBLIC KEY BLOCK-----'), []);
  });

  it('finds AWS access key ids, but not the documentation example or longer words', () => {
    assert.deepEqual(spans('aws configure set aws_access_key_id AKIA2E0A8F3B244C9986'), ['AKIA2E0A8F3B244C9986']);
    assert.deepEqual(kinds('AKIAIOSFODNN7EXAMPLE'), []);
    assert.deepEqual(kinds('XAKIA2E0A8F3B244C9986'), []);
    assert.deepEqual(kinds('AKIA2E0A8F3B244C99861'), []);
  });

  it('finds token formats', () => {
    assert.deepEqual(kinds(`ghp_${'a1B2'.repeat(9)}`), ['github-token']);
    assert.deepEqual(kinds(`github_pat_${'A1b2_'.repeat(12)}`), ['github-token']);
    assert.deepEqual(kinds(`glpat-${'x1Y2z'.repeat(4)}`), ['gitlab-token']);
    assert.deepEqual(kinds('xoxb-1234567890-abcdefghij'), ['slack-token']);
    assert.deepEqual(kinds('https://hooks.slack.com/services/T0ABC/B0DEF/abcdefghijklmnopqrstuvwx'), ['slack-webhook']);
    assert.deepEqual(kinds(`sk_live_${'a1B2'.repeat(6)}`), ['stripe-key']);
    assert.deepEqual(kinds(`sk_test_${'a1B2'.repeat(6)}`), [], 'test-mode keys are left alone');
    assert.deepEqual(kinds(`SK${'0a1b'.repeat(8)}`), ['twilio-key']);
    assert.deepEqual(kinds(`AIza${'a1B2_'.repeat(7)}`), ['google-api-key']);
    assert.deepEqual(kinds(`npm_${'a1B2'.repeat(9)}`), ['npm-token']);
    assert.deepEqual(kinds(`SG.${'a'.repeat(22)}.${'b'.repeat(43)}`), ['sendgrid-key']);
    assert.deepEqual(kinds('ghp_short xoxb-'), []);
  });

  it('finds literal URL passwords only', () => {
    const text = 'git clone https://bot:s3cr3tP4ss@git.example.com/repo.git';
    const [match] = findCredentials(text);
    assert.equal(match.kind, 'url-password');
    assert.equal(text.slice(match.start, match.end), 's3cr3tP4ss');
    assert.equal(match.name, 'bot');
    assert.deepEqual(kinds('https://bot:$TOKEN@git.example.com'), []);
    assert.deepEqual(kinds('https://bot:${TOKEN}@git.example.com'), []);
    assert.deepEqual(kinds('postgres://user:<password>@db:5432/app'), []);
    assert.deepEqual(kinds('https://git.example.com/a@b'), []);
    assert.deepEqual(kinds('postgres://:pw@db/app').length, 1, 'an empty user still has a password');
    assert.deepEqual(findCredentials('redis://u:pa$$w0rd@h', { compose: true }).length, 1);
  });

  it('finds high-entropy values next to secret names in every assignment form', () => {
    const value = 'q8Zr2LmX9vT4pK7w';
    for (const text of [`API_TOKEN=${value}`, `API_TOKEN = ${value}`, `api_token: ${value}`, `--api-token ${value}`, `--api-token=${value}`, `PASSWORD="${value}"`, `export DB_PASSWORD='${value}' && run`]) {
      assert.deepEqual(spans(text), [value], text);
    }
    assert.equal(findCredentials(`echo TOKEN=${value}`)[0].name, 'TOKEN');
  });

  it('leaves low-entropy, short, referenced and non-secret assignments alone', () => {
    for (const text of [
      'PASSWORD=aaaaaaaaaaaaaaaaaaaa', 'TOKEN=short', 'TOKEN=${TOKEN_FROM_ARG_VALUE}', 'BUILD_ID=q8Zr2LmX9vT4pK7w',
      'TOKEN_FILE=q8Zr2LmX9vT4pK7w', 'TOKEN q8Zr2LmX9vT4pK7w', '--password --q8Zr2LmX9vT4pK7w', 'image: node:22',
    ]) {
      assert.deepEqual(kinds(text), [], text);
    }
  });

  it('reports a token inside an assignment once, as the token', () => {
    const token = `ghp_${'a1B2'.repeat(9)}`;
    const found = findCredentials(`GITHUB_TOKEN=${token}`);
    assert.deepEqual(found.map((m) => m.kind), ['github-token']);
  });

  it('finds secret assignments whatever the case of the name, and URL passwords under any name', () => {
    const value = 'Xk9mQ2vL8pR4wZ7qT3nB';
    for (const name of ['dbPassWord', 'API_KEY', 'myToken', 'Secret', 'PGPASSWORD', 'GH_CREDS']) {
      const [match] = findCredentials(`echo ${name}=${value}`);
      assert.equal(match?.kind, 'secret-assignment', name);
      assert.equal(match.name, name);
    }
    assert.deepEqual(findCredentials(`curl --Api-Key ${value}`).map((m) => m.name), ['Api-Key']);
    assert.deepEqual(kinds(`git clone https://deploy:${value}@example.com/repo.git`), ['url-password']);
    assert.deepEqual(findCredentials(`echo NAME=${value} USER=${value}`), []);
  });

  it('never throws', () => {
    assert.deepEqual(findCredentials(''), []);
    assert.deepEqual(findCredentials(undefined as unknown as string), []);
  });
});
