import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryReleaser } from '../../server/src/lsp/memory';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('memory releaser', () => {
  it('collects once after a burst of closed documents, and again after a later close', async () => {
    let collections = 0;
    const releaser = new MemoryReleaser(20, () => collections++);
    for (let i = 0; i < 10; i++) releaser.documentClosed();
    assert.equal(collections, 0, 'never synchronously, inside the close notification');
    await settle(40);
    assert.equal(collections, 1);
    releaser.documentClosed();
    await settle(40);
    assert.equal(collections, 2);
  });

  it('never throws on a close, with or without V8 collection available', () => {
    // The default collector comes from --expose-gc set at run time; closing must not throw without it either.
    assert.doesNotThrow(() => new MemoryReleaser(0, undefined).documentClosed());
    assert.doesNotThrow(() => new MemoryReleaser().documentClosed());
  });
});
