// Which shell reads an instruction's shell-form text, and whether it is a POSIX shell. Rules about
// POSIX shell behaviour (pipefail, `sh -c` as PID 1) say nothing under cmd or PowerShell, and
// nothing on a Windows base image, whose default shell is `cmd /S /C` (and whose images
// usually set `SHELL ["powershell", …]`).
import type { DockerfileModel, Instruction, Stage } from './model';
import { isPosixShell, shellAt } from './shell';

/** Image names and tags of Windows images: `windows/servercore`, `…-nanoserver-1809`, `windowsservercore-ltsc2022`. */
const WINDOWS_IMAGE = /nanoserver|servercore|windows/;

/** Whether an image reference names a Windows image (`mcr.microsoft.com/powershell:lts-nanoserver-1809`). */
export function isWindowsImageName(reference: string): boolean {
  return WINDOWS_IMAGE.test(reference.toLowerCase());
}

/**
 * Whether a stage builds on a Windows image: the root of its `FROM <stage>` chain names one, the
 * base-image table says so (`…:ltsc2022` tags), or a stage of the chain asks for a
 * `--platform=windows/…`.
 */
export function isWindowsStage(model: DockerfileModel, stage: Stage): boolean {
  const chain = model.chainOf(stage);
  if (chain.some((s) => s.platform !== null && /^windows\//i.test(s.platform))) return true;
  const root = chain[0] ?? stage;
  const reference = root.image.resolved ?? root.image.text;
  if (reference !== null && !root.image.stageRef && isWindowsImageName(reference)) return true;
  return model.baseImage(stage).family === 'windows';
}

/**
 * The SHELL argv that runs an instruction's shell form (the last SHELL before it in its stage,
 * else the inherited one, else `/bin/sh -c`) when that is a POSIX shell on a non-Windows image;
 * null under cmd, powershell or pwsh, or on a Windows base image.
 */
export function posixShellAt(model: DockerfileModel, instruction: Instruction): string[] | null {
  const stage = model.stages[instruction.stageIndex];
  if (stage && isWindowsStage(model, stage)) return null;
  const shell = shellAt(model, instruction);
  return isPosixShell(shell[0] ?? '') ? shell : null;
}
