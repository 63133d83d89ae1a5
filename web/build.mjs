// Builds the pages into one asset folder that `quarter serve` serves:
//   node build.mjs [OUT_DIR]      (default: dist/)
// Every page's script and style is bundled by esbuild with a content hash in
// its name (served with a year-long cache); the HTML pages, the manifest and
// the service worker keep fixed names (served with no-cache).  No CDN: Leaflet
// comes from node_modules.  Prints the weight of each page.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] || path.join(here, 'dist'));
const pages = ['resident', 'merchant', 'operator', 'planner', 'account'];
const tmp = out + '.tmp';
fs.rmSync(tmp, { recursive: true, force: true });
fs.mkdirSync(path.join(tmp, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: Object.fromEntries(pages.map((p) => [p, path.join(here, p, 'main.js')])),
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'safari15', 'firefox100'],
  outdir: path.join(tmp, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  splitting: true,
  metafile: true,
  loader: { '.png': 'file', '.svg': 'file' },
  legalComments: 'eof',
  logLevel: 'warning',
});

const outputs = result.metafile.outputs;
const entryOf = {};
for (const [file, info] of Object.entries(outputs)) {
  if (!info.entryPoint) continue;
  const page = path.basename(path.dirname(info.entryPoint));
  entryOf[page] = { js: '/assets/' + path.basename(file), css: info.cssBundle ? '/assets/' + path.basename(info.cssBundle) : null };
}

const weight = {};
const sizeOf = (url) => fs.statSync(path.join(tmp, url)).size;
function importsOf(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const imp of outputs[file]?.imports || []) if (imp.kind === 'import-statement') importsOf(imp.path, seen);
  return seen;
}
const tmpl = fs.readFileSync(path.join(here, 'common', 'page.html'), 'utf8');
for (const page of pages) {
  const e = entryOf[page];
  const html = tmpl
    .replaceAll('{{page}}', page)
    .replace('{{css}}', e.css ? `<link rel="stylesheet" href="${e.css}">` : '')
    .replace('{{js}}', `<script type="module" src="${e.js}"></script>`);
  const name = page === 'resident' ? 'index.html' : page + '.html';
  fs.writeFileSync(path.join(tmp, name), html);
  const jsFile = Object.keys(outputs).find((f) => '/assets/' + path.basename(f) === e.js);
  let bytes = Buffer.byteLength(html);
  for (const f of importsOf(jsFile)) bytes += fs.statSync(f).size;
  if (e.css) bytes += sizeOf(e.css);
  weight[name] = bytes;
}
for (const f of ['manifest.webmanifest', 'sw.js', 'icon.svg']) fs.copyFileSync(path.join(here, f), path.join(tmp, f));
fs.writeFileSync(path.join(tmp, 'weights.json'), JSON.stringify(weight, null, 1) + '\n');
fs.rmSync(out, { recursive: true, force: true });
fs.renameSync(tmp, out);
for (const [name, bytes] of Object.entries(weight)) console.log(`web: ${name.padEnd(14)} ${(bytes / 1024).toFixed(1)} KB (uncompressed, with its scripts and styles)`);
