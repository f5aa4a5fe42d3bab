#!/usr/bin/env node
// Bundles the browser demo page (web/) for `layer4 web`: web/main.ts and the parts of src/ it
// uses become one ES module, app.js, next to index.html, style.css and favicon.svg.
//
//   node scripts/build-web.mjs [--outdir DIR]      (default: dist/web, where `layer4 web` looks)
//
// Type checking is separate (tsc -p web/tsconfig.json); esbuild only strips types. The bundle
// targets the browser platform, so a node:* import anywhere in the page's graph fails the build.

import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  let outdir = join(root, 'dist', 'web');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--outdir' && i + 1 < argv.length) outdir = resolve(argv[++i]);
    else if (a.startsWith('--outdir=')) outdir = resolve(a.slice('--outdir='.length));
    else {
      process.stderr.write(`build-web: unknown argument ${a}\nusage: node scripts/build-web.mjs [--outdir DIR]\n`);
      process.exit(2);
    }
  }
  return { outdir };
}

const { outdir } = parseArgs(process.argv.slice(2));

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('build-web: esbuild is not installed (it is a devDependency: run `npm install`)\n');
  process.exit(1);
}

mkdirSync(outdir, { recursive: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: [join(root, 'web', 'main.ts')],
  outfile: join(outdir, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  sourcemap: 'linked',
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
for (const f of ['index.html', 'style.css', 'favicon.svg']) copyFileSync(join(root, 'web', f), join(outdir, f));

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
const inputs = Object.keys(result.metafile.inputs).length;
process.stdout.write(`build-web: ${inputs} modules → ${join(outdir, 'app.js')} (${Math.round(bytes / 1024)} KiB with its map)\n`);
