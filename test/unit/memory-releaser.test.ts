import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryReleaser } from '../../server/src/lsp/memory';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('memory releaser', () => {
  it('collects once right after a burst of closed documents', async () => {
    let collections = 0;
    const releaser = new MemoryReleaser({ burst: 5, idleMs: 10_000 }, () => collections++);
    for (let i = 0; i < 5; i++) releaser.documentClosed();
    assert.equal(collections, 0, 'never synchronously, inside the close notification');
    await settle(20);
    assert.equal(collections, 1);
  });

  it('collects after a single close only once the server has been idle, work postponing it', async () => {
    let collections = 0;
    const releaser = new MemoryReleaser({ burst: 5, idleMs: 60 }, () => collections++);
    releaser.documentClosed();
    for (let i = 0; i < 4; i++) {
      await settle(30);
      releaser.busy();
    }
    assert.equal(collections, 0, 'typing after the close postpones the collection');
    await settle(120);
    assert.equal(collections, 1);
    releaser.busy();
    await settle(120);
    assert.equal(collections, 1, 'work without a close schedules nothing');
  });

  it('never throws on a close, with or without V8 collection available', () => {
    // The default collector comes from --expose-gc set at run time; closing must not throw without it either.
    assert.doesNotThrow(() => new MemoryReleaser(undefined, undefined).documentClosed());
    const releaser = new MemoryReleaser();
    assert.doesNotThrow(() => releaser.documentClosed());
    assert.doesNotThrow(() => releaser.busy());
  });
});
