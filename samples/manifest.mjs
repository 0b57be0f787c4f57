// Writes public/samples/manifest.json: the catalogue the browser loads.
//
// Usage: node manifest.mjs [OUTDIR]   (OUTDIR defaults to ../public/samples)
//
// The metadata (name, description, default args and stdin, interactive) comes
// from samples.json next to this script -- the one place it is kept; the build
// list (path, size, sha256) from the files the Makefile produced.  A source is
// src/NAME.c (C) or src/NAME.cc (C++); the language decides the build kinds,
// as in the Makefile.  Fails if a source has no metadata, metadata has no
// source, a name has two sources, or a build is missing.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? join(here, '../public/samples'));
// Build kinds per language (source extension); keep in step with KINDS_* in the Makefile.
const KINDS = { c: ['dynamic', 'static', 'musl'], cc: ['dynamic', 'static'] };

function fail(message) {
  console.error(`manifest.mjs: ${message}`);
  process.exit(1);
}

const meta = JSON.parse(readFileSync(join(here, 'samples.json'), 'utf8'));
if (!Array.isArray(meta.samples)) fail('samples.json has no "samples" array');

// Program name -> language (source extension), from src/NAME.EXT.
const sources = new Map();
for (const f of readdirSync(join(here, 'src'))) {
  const m = /^(.+)\.([a-z]+)$/.exec(f);
  if (m === null || !Object.hasOwn(KINDS, m[2])) continue;
  if (sources.has(m[1])) fail(`src/${m[1]} has two sources (.${sources.get(m[1])} and .${m[2]})`);
  sources.set(m[1], m[2]);
}
const described = new Set(meta.samples.map((s) => s.name));
for (const [name, lang] of sources) if (!described.has(name)) fail(`src/${name}.${lang} has no entry in samples.json`);

const samples = meta.samples.map((s) => {
  if (typeof s.name !== 'string' || !/^[a-z0-9_-]+$/.test(s.name)) fail(`bad name ${JSON.stringify(s.name)}`);
  const lang = sources.get(s.name);
  if (lang === undefined) fail(`samples.json entry ${s.name} has no src/${s.name}.c or .cc`);
  if (typeof s.description !== 'string') fail(`${s.name}: description must be a string`);
  if (!Array.isArray(s.args) || !s.args.every((a) => typeof a === 'string')) fail(`${s.name}: args must be a list of strings`);
  if (s.stdin !== null && typeof s.stdin !== 'string') fail(`${s.name}: stdin must be a string or null`);
  if (typeof s.interactive !== 'boolean') fail(`${s.name}: interactive must be true or false`);
  if (s.tool !== undefined && typeof s.tool !== 'string') fail(`${s.name}: tool must be a string`);
  if (s.toolOptions !== undefined && !(Array.isArray(s.toolOptions) && s.toolOptions.every((o) => typeof o === 'string'))) fail(`${s.name}: toolOptions must be a list of strings`);
  if (s.story !== undefined && typeof s.story !== 'string') fail(`${s.name}: story must be a string`);

  const source = `${s.name}/${s.name}.${lang}`;
  if (!existsSync(join(outDir, source))) fail(`missing ${source}`);
  const builds = KINDS[lang].map((kind) => {
    const path = `${s.name}/${s.name}-${kind}`;
    const file = join(outDir, path);
    if (!existsSync(file)) fail(`missing build ${path}`);
    const bytes = readFileSync(file);
    return { kind, path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  return {
    name: s.name,
    description: s.description,
    source,
    args: s.args,
    stdin: s.stdin,
    interactive: s.interactive,
    // Memcheck's stories: the tool and options they are meant to run under, and what they teach.
    ...(s.tool !== undefined && { tool: s.tool, toolOptions: s.toolOptions ?? [] }),
    ...(s.story !== undefined && { story: s.story }),
    builds,
  };
});

const target = join(outDir, 'manifest.json');
const text = JSON.stringify({ samples }, null, 2) + '\n';
writeFileSync(`${target}.tmp`, text);
renameSync(`${target}.tmp`, target);
console.log(`manifest.mjs: wrote ${target} (${samples.length} samples)`);
