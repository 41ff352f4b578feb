// Runs analyses for the server without blocking its message loop (DESIGN "Robustness rules"): small
// documents are analyzed inline (a few milliseconds; a thread hop would cost more than it saves),
// large ones in a worker thread that is started on first need and owned by the runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Analysis } from '../engine/engine';
import type { FileContext } from '../engine/file-analysis';
import type { EngineSettings } from '../engine/settings';
import { SourceText } from '../engine/text';
import type { Diagnosed, FileKind, ModelBase, SyntaxProblem } from '../engine/types';

/** Documents longer than this many characters are analyzed in the worker. */
export const workerThreshold = 48 * 1024;

export type WorkerMessage = WorkerRequest | { forget: string };

export interface WorkerRequest {
  id: number;
  /** The document, so the worker can reuse its previous version's parse (see AnalyzeOptions.previous). */
  uri?: string;
  kind: FileKind;
  settings: EngineSettings;
  buildTarget?: string;
  filePath?: string;
  text: string;
}

export type WorkerResponse =
  | {
      id: number;
      kind: FileKind;
      findings: Diagnosed[];
      problems: SyntaxProblem[];
      fileCommentLine: number;
      /** For each line a finding starts on: the first line of its statement (where an ignore comment goes). */
      statementStarts: [number, number][];
      error?: undefined;
    }
  | { id: number; error: string };

/** The analysis the rest of the server uses, rebuilt from the worker's answer and the text. */
function fromWorker(response: Extract<WorkerResponse, { findings: Diagnosed[] }>, text: string): Analysis {
  const starts = new Map(response.statementStarts);
  const model: ModelBase = {
    source: new SourceText(text),
    problems: response.problems,
    fileCommentLine: response.fileCommentLine,
    statementStart: (line) => starts.get(line) ?? line,
  };
  return { kind: response.kind, findings: response.findings, problems: response.problems, model };
}

export class AnalysisRunner {
  private worker: Worker | undefined;
  private workerFailed = false;
  private nextId = 1;
  private readonly waiting = new Map<number, (response: WorkerResponse) => void>();

  constructor(private readonly workerScript = path.join(__dirname, 'analysis-worker.js')) {}

  /**
   * Analyzes `text` with the file's context: in the worker when it is large, else inline. `previous`
   * is the analysis of the document's version before (it is out of date afterwards); the worker keeps
   * its own for the documents it analyzes, by `uri`.
   */
  async analyze(file: FileContext, text: string, uri?: string, previous?: Analysis): Promise<Analysis> {
    const worker = text.length > workerThreshold ? this.startWorker() : undefined;
    // An open document's fixes are read by code actions only: built when asked for (lazy-fixes.ts).
    if (!worker) return file.analyze(text, undefined, { previous, fixesWhenRead: true });
    const id = this.nextId++;
    const request: WorkerRequest = { id, uri, kind: file.kind, settings: file.settings, buildTarget: file.buildTarget, filePath: file.filePath, text };
    const response = await new Promise<WorkerResponse>((resolve) => {
      this.waiting.set(id, resolve);
      worker.postMessage(request);
    });
    // A worker that failed on this text: the inline analysis has its own guards and never throws.
    return response.error === undefined ? fromWorker(response, text) : file.analyze(text);
  }

  /** A closed document: the worker drops what it kept of it. */
  forget(uri: string): void {
    this.worker?.postMessage({ forget: uri } satisfies WorkerMessage);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private startWorker(): Worker | undefined {
    if (this.worker || this.workerFailed) return this.worker;
    if (!fs.existsSync(this.workerScript)) {
      this.workerFailed = true;
      return undefined;
    }
    const worker = new Worker(this.workerScript);
    worker.unref();
    worker.on('message', (response: WorkerResponse) => {
      this.waiting.get(response.id)?.(response);
      this.waiting.delete(response.id);
    });
    const fail = (reason: string) => {
      // Every waiting request falls back to the inline analysis; later ones do not use a worker.
      this.workerFailed = true;
      this.worker = undefined;
      for (const [id, resolve] of this.waiting) resolve({ id, error: reason });
      this.waiting.clear();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`the analysis worker exited (${code})`));
    this.worker = worker;
    return worker;
  }
}
