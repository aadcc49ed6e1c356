// Builds one self-contained ESM bundle per deployable into dist/ (runs with plain `node`, no node_modules).
import { build } from 'esbuild';
import { chmod, mkdir, readFile } from 'node:fs/promises';

/**
 * Exact source fixes for bundled packages, applied while bundling. The build fails when a fix no
 * longer matches (the package changed), so none is silently lost.
 */
function sourcePatches(patches) {
  return {
    name: 'source-patches',
    setup(b) {
      for (const { file, from, to } of patches) {
        b.onLoad({ filter: file }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          if (!text.includes(from)) throw new Error(`patch for ${args.path} no longer matches: ${from}`);
          return { contents: text.replace(from, to), loader: 'js' };
        });
      }
    },
  };
}

const inkPatches = [
  {
    // Ink 6.8's incremental renderer moves up one line too few when the frame ends in a newline (it
    // does whenever the frame is shorter than the terminal), so every changed line lands one row low.
    // Ink 8 has the same fix.
    file: /ink[\\/]build[\\/]log-update\.js$/,
    from: 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
    to: 'buffer.push(ansiEscapes.cursorUp(previousLines.length - 1));',
  },
];

/**
 * The Ink apps (console, installer): React's production build. Ink imports react-devtools-core (not
 * installed) only when DEV=true: a stub stands in. yoga-layout's WebAssembly is inlined and loaded with
 * top-level await, which ESM output keeps. Start-up time counts on a console: a minified bundle compiles
 * faster (the source map keeps stacks readable).
 */
const inkApp = {
  define: { 'process.env.NODE_ENV': '"production"' },
  minify: true,
  alias: { 'react-devtools-core': './lib/tui/devtools-stub.ts' },
  patches: inkPatches,
};

const deployables = [
  // Minified: the daemon keeps its whole bundle in memory for as long as it runs.
  { entry: 'node/src/main.ts', out: 'dist/qx-node.mjs', minify: true },
  { entry: 'console/src/main.tsx', out: 'dist/qx-console.mjs', ...inkApp },
  { entry: 'tui-installer/src/main.tsx', out: 'dist/qx-installer.mjs', ...inkApp },
];

await mkdir('dist', { recursive: true });
for (const { entry, out, define = {}, alias = {}, patches = [], minify = false } of deployables) {
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
    minify,
    metafile: true,
    // Optional native speed-ups of ws; it falls back to JS when they are absent.
    external: ['bufferutil', 'utf-8-validate'],
    define,
    alias,
    plugins: [sourcePatches(patches)],
    jsx: 'automatic',
    banner: {
      js: `#!/usr/bin/env node\nimport { createRequire as __qxCreateRequire } from 'node:module';\nconst require = __qxCreateRequire(import.meta.url);`,
    },
    logLevel: 'warning',
  });
  await chmod(out, 0o755);
  const bytes = result.metafile.outputs[out].bytes;
  console.log(`built ${out} (${(bytes / 1024).toFixed(0)} KiB) in ${(performance.now() - started).toFixed(0)} ms`);
}
