// Builds one self-contained ESM bundle per deployable into dist/ (runs with plain `node`, no node_modules).
import { build } from 'esbuild';
import { chmod, mkdir } from 'node:fs/promises';

const deployables = [{ entry: 'node/src/main.ts', out: 'dist/qx-node.mjs' }];

await mkdir('dist', { recursive: true });
for (const { entry, out } of deployables) {
  const started = performance.now();
  const result = await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    // Optional native speed-ups of ws; it falls back to JS when they are absent.
    external: ['bufferutil', 'utf-8-validate'],
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __qxCreateRequire } from 'node:module';\nconst require = __qxCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  await chmod(out, 0o755);
  const bytes = result.metafile.outputs[out].bytes;
  console.log(`built ${out} (${(bytes / 1024).toFixed(0)} KiB) in ${(performance.now() - started).toFixed(0)} ms`);
}
