// "Choose a tag…": the QuickPick of an image's tags. The server does the work (it lists the tags,
// newest first, with `containerGuard/listTags`, and computes the pin with `containerGuard/pinEdit`);
// this file is only the picker. Arguments let tests skip the question.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  chooseTagClientCommand,
  listTagsRequest,
  pinEditRequest,
  type ImagePositionParams,
  type ListTagsResult,
  type PinEditParams,
  type PinEditResult,
} from '../../server/src/protocol';

/** Optional third argument of `containerGuard.chooseTag`. */
export interface ChooseTagArguments {
  /** Pin to this tag without showing the picker. */
  tag?: string;
}

function isPosition(value: unknown): value is ImagePositionParams['position'] {
  const position = value as ImagePositionParams['position'] | undefined;
  return !!position && typeof position.line === 'number' && typeof position.character === 'number';
}

/** Registers `containerGuard.chooseTag` `[uri, position, args?]`; it resolves to whether a pin was applied. */
export function registerPinning(client: () => LanguageClient | undefined): vscode.Disposable {
  return vscode.commands.registerCommand(chooseTagClientCommand, (uri: unknown, position: unknown, args?: ChooseTagArguments) =>
    typeof uri === 'string' && isPosition(position) ? chooseTag(client(), uri, position, args ?? {}) : false,
  );
}

async function chooseTag(client: LanguageClient | undefined, uri: string, position: ImagePositionParams['position'], args: ChooseTagArguments): Promise<boolean> {
  if (!client) return false;
  const textDocument = { uri };
  let tag = args.tag;
  if (tag === undefined) {
    const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Container Guard: asking the registry for tags…' }, () =>
      client.sendRequest<ListTagsResult>(listTagsRequest, { textDocument, position } satisfies ImagePositionParams),
    );
    if ('error' in listed) {
      void vscode.window.showErrorMessage(listed.error);
      return false;
    }
    if (listed.tags.length === 0) {
      void vscode.window.showInformationMessage(`Container Guard: the registry lists no tags for ${listed.reference}.`);
      return false;
    }
    const picked = await vscode.window.showQuickPick(
      listed.tags.map((label) => ({ label, description: label === listed.currentTag ? 'current' : undefined })),
      {
        title: `Container Guard: choose a tag for ${listed.reference}`,
        placeHolder: 'Newest first; the tag is written with its current digest',
        matchOnDescription: false,
      },
    );
    if (!picked) return false;
    tag = picked.label;
  }
  const answer = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Container Guard: looking up ${tag}…` }, () =>
    client.sendRequest<PinEditResult>(pinEditRequest, { textDocument, position, tag } satisfies PinEditParams),
  );
  if ('error' in answer) {
    void vscode.window.showErrorMessage(answer.error);
    return false;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(answer.edit);
  return edit.size > 0 ? vscode.workspace.applyEdit(edit) : false;
}
