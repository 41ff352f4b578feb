// The CLI's disk reads within one run: a reader that remembers reads each file once (fs-cache.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskReader, disk } from '../../server/src/engine/fs-cache';

describe('disk readers', () => {
  test('a reader that remembers reads each file once, until it forgets it; the shared disk reader always reads', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-fs-cache-'));
    try {
      const file = path.join(dir, 'compose.yaml');
      fs.writeFileSync(file, 'one');
      const run = new DiskReader({ remember: true });
      assert.equal(run.readText(file), 'one');
      assert.deepEqual(run.list(dir), ['compose.yaml']);
      fs.writeFileSync(file, 'two');
      fs.writeFileSync(path.join(dir, '.env'), '');
      assert.equal(run.readText(file), 'one', 'remembered by the reader');
      assert.deepEqual(run.list(dir), ['compose.yaml']);
      run.forget(file);
      assert.equal(run.readText(file), 'two');
      assert.equal(run.stat(path.join(dir, 'missing')), undefined);
      assert.equal(disk.readText(file), 'two');
      assert.deepEqual(disk.list(dir)?.sort(), ['.env', 'compose.yaml']);
      assert.equal(disk.list(path.join(dir, 'missing')), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a reader that remembers answers lookups from folder listings exactly as stat does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-fs-cache-'));
    try {
      fs.mkdirSync(path.join(dir, 'sub', '.git'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'sub', '.git', 'HEAD'), 'ref: refs/heads/main\n');
      fs.writeFileSync(path.join(dir, 'sub', '.hadolint.yaml'), 'ignored: []\n');
      fs.mkdirSync(path.join(dir, 'other'));
      fs.writeFileSync(path.join(dir, 'other', 'Dockerfile'), 'FROM alpine\n');
      fs.writeFileSync(path.join(dir, 'other', 'naïve.yaml'), '');
      const lookups = [
        'sub/.git',
        'sub/.git/HEAD',
        'sub/.hadolint.yaml',
        'sub/.hadolint.yml',
        'sub/missing/deeper/file',
        'other/.git',
        'other/.git/HEAD',
        'other/Dockerfile',
        'other/Dockerfile/inside',
        'other/naïve.yaml',
        'missing/.git/HEAD',
        '',
      ].map((name) => path.join(dir, name));
      const summary = (reader: DiskReader) => lookups.map((file) => [file, reader.stat(file)?.isFile(), reader.stat(file)?.isDirectory()]);
      const seeded = new DiskReader({ remember: true });
      // As the CLI's walk gives them: the names fs.readdirSync gives.
      seeded.rememberListing(path.join(dir, 'other'), fs.readdirSync(path.join(dir, 'other')));
      assert.deepEqual(summary(new DiskReader({ remember: true })), summary(disk));
      assert.deepEqual(summary(seeded), summary(disk));
      assert.deepEqual(seeded.list(path.join(dir, 'other')), fs.readdirSync(path.join(dir, 'other')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
