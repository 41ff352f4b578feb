// Gives memory back after documents are closed (issue 17, "Small"). V8 grows its heap to several times
// what is live while files are analyzed one after the other (a Compose parse allocates megabytes that
// die young) and keeps it; a full collection once the closed documents' state is dropped returns the
// heap to what the open documents need. Peak RSS over 1,350 files opened and closed in turn: 176 → 116 MB.
//
// A full collection has a price: the edits that follow it run slower for a while (the heap grows
// again, freshly swept pages are allocated into), which measured as ten slow keystrokes after every
// close. So it runs when it pays and when nobody waits: at once after a burst of closes (a workspace
// scan, a group of editors closed), otherwise once the server has been idle for a moment.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** V8's `gc`, exposed at run time (`--expose-gc` applies to contexts created afterwards); undefined if unavailable. */
function exposedGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

export interface ReleaseTiming {
  /** Closes since the last collection that make one run right away. */
  burst: number;
  /** Otherwise, collect after this many milliseconds without work (edits, requests). */
  idleMs: number;
}

export class MemoryReleaser {
  /** Documents closed since the last collection. */
  private closed = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly timing: ReleaseTiming = { burst: 4, idleMs: 2000 },
    private readonly collect: (() => void) | undefined = exposedGc(),
  ) {}

  /** A document was closed: collect after a burst of closes, or when the server is next idle. */
  documentClosed(): void {
    if (!this.collect) return;
    this.closed++;
    this.schedule(this.closed >= this.timing.burst ? 0 : this.timing.idleMs);
  }

  /** The server works for the user (an edit to analyze): a pending collection waits until it is idle. */
  busy(): void {
    if (this.timer && this.closed < this.timing.burst) this.schedule(this.timing.idleMs);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    // After the messages already received (setImmediate), never inside a notification handler.
    this.timer = setTimeout(() => setImmediate(() => this.run()), delay);
    this.timer.unref?.();
  }

  private run(): void {
    this.timer = undefined;
    this.closed = 0;
    this.collect?.();
  }
}
