// The analysis worker thread: analyzes large documents off the server's message loop, so hover,
// completion and code actions stay answered while a 200 KB file is parsed. It receives what a file
// context knows (kind, settings, build target, path) and the text; it answers with the analysis in a
// form that crosses threads (findings and problems are plain data; the model stays here, except the
// few facts the ignore actions need).
import { parentPort, type MessagePort } from 'node:worker_threads';
import { readFileText } from '../engine/compose-links';
import { analyze, type Analysis } from '../engine/engine';
import { disk } from '../engine/fs-cache';
import type { WorkerMessage, WorkerResponse } from './analysis-runner';

function serve(port: MessagePort): void {
  /** The last analysis of each open document analyzed here, reused by its next version (AnalyzeOptions.previous). */
  const previousByUri = new Map<string, Analysis>();
  port.on('message', (request: WorkerMessage) => {
    if ('forget' in request) {
      previousByUri.delete(request.forget);
      return;
    }
    let response: WorkerResponse;
    try {
      const previous = request.uri === undefined ? undefined : previousByUri.get(request.uri);
      const analysis = analyze(request.text, {
        previous,
        kind: request.kind,
        settings: request.settings,
        buildTarget: request.buildTarget,
        filePath: request.filePath,
        readFile: request.filePath ? readFileText : undefined,
        listDir: request.filePath ? (dir) => disk.list(dir) : undefined,
      });
      if (request.uri !== undefined) previousByUri.set(request.uri, analysis);
      const lines = new Set(analysis.findings.map((finding) => finding.range.start.line));
      response = {
        id: request.id,
        kind: analysis.kind,
        findings: analysis.findings,
        problems: analysis.problems,
        fileCommentLine: analysis.model.fileCommentLine,
        statementStarts: [...lines].map((line) => [line, analysis.model.statementStart(line)]),
      };
    } catch (error) {
      response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(response);
  });
}

if (parentPort) serve(parentPort);
