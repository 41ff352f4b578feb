// A real OCI registry for the VS Code runs (ext-tests.mjs, e2e.mjs): the same kit as the unit and
// protocol tests (test/unit/registry-kit.ts: Debian's docker-registry on 127.0.0.1 with a temporary
// storage folder, images pushed through the registry HTTP API), bundled by esbuild into the run's folder
// and imported from there. It starts before code-server, whose environment then carries:
//   CG_TEST_REGISTRY   `127.0.0.1:<port>` of the registry (or CG_TEST_REGISTRY_MISSING: why there is none)
//   DOCKER_CONFIG      an empty folder: the language server reads no real Docker credentials
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { REPO } from './lib.mjs';

/** The kit's exports (Registry, freePort, registryMissing, …), bundled into `<run>/registry-kit.mjs`. */
export async function loadRegistryKit(run) {
  const outfile = path.join(run.root, 'registry-kit.mjs');
  await esbuild.build({
    entryPoints: [path.join(REPO, 'test', 'unit', 'registry-kit.ts')],
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}

/**
 * Starts a registry for a run. Resolves to `{ kit, registry, host, env, stop }`: `env` is what code-server
 * gets; `registry` is undefined (and `env.CG_TEST_REGISTRY_MISSING` says why) when docker-registry is not
 * installed outside CI (in CI the kit throws instead). `stop()` ends the registry and removes the folders.
 */
export async function startRegistry(run) {
  const kit = await loadRegistryKit(run);
  const dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-docker-config-'));
  const cleanUp = () => fs.rmSync(dockerConfig, { recursive: true, force: true });
  const missing = kit.registryMissing();
  if (missing) return { kit, env: { DOCKER_CONFIG: dockerConfig, CG_TEST_REGISTRY_MISSING: missing }, stop: async () => cleanUp() };
  const registry = new kit.Registry();
  try {
    await registry.start();
  } catch (e) {
    await registry.stop().catch(() => {});
    cleanUp();
    throw e;
  }
  return {
    kit, registry, host: registry.host,
    env: { DOCKER_CONFIG: dockerConfig, CG_TEST_REGISTRY: registry.host },
    stop: async () => { await registry.stop(); cleanUp(); },
  };
}
