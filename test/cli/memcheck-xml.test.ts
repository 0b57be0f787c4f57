// --xml=yes --xml-file=F against native valgrind 3.19: the same XML output (protocol 4)
// once what differs by design is normalised — pids, addresses, times, the banner's
// version line, valgrind's own command line — compared line by line; and nothing on
// stderr, as valgrind writes none of its text report then.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, run } from '../support/oracles.ts';
import { LEAKS, scratchBuilder } from '../support/memcheck-programs.ts';

const { dir, build } = scratchBuilder('grindlab-xml-');

/** The XML without what differs by design, one element per line. */
function normaliseXml(xml: string): string[] {
  let inVargv = false;
  return xml.split('\n').flatMap((l) => {
    if (l.trim() === '<vargv>') { inVargv = true; return [l]; }
    if (l.trim() === '</vargv>') inVargv = false;
    if (inVargv) return []; // valgrind's own executable and options
    return [l
      .replace(/<line>Using .*<\/line>/, '<line>Using …</line>')
      .replace(/<(pid|ppid|time)>[^<]*</, '<$1>…<')
      .replace(/0x[0-9A-Fa-f]+/g, '0x…')];
  });
}

function compareXml(label: string, exe: string, options: string[]): void {
  const [vgFile, ourFile] = [join(dir, `${label}.vg.xml`), join(dir, `${label}.ours.xml`)];
  const vg = run('valgrind', ['--tool=memcheck', '--xml=yes', `--xml-file=${vgFile}`, ...options, exe], null);
  const ours = run(process.execPath, [bin, '--tool=memcheck', '--xml=yes', `--xml-file=${ourFile}`, ...options, exe], null);
  expect(normaliseXml(readFileSync(ourFile, 'utf8')), `${label}: XML`).toEqual(normaliseXml(readFileSync(vgFile, 'utf8')));
  expect(ours.stderr, `${label}: stderr`).toBe(vg.stderr);
  expect(ours.stdout, `${label}: stdout`).toBe(vg.stdout);
  expect(ours.status, `${label}: exit status`).toBe(vg.status);
}

const BUGS = `#include <stdlib.h>
#include <stdio.h>
int f(int *p) { if (*p > 3) return 1; return 0; }
int main(void) {
  int *p = malloc(10 * sizeof(int));
  int x, r = 0;
  printf("%d\\n", p[10]);
  if (x) printf("x\\n");
  for (int i = 0; i < 3; i++) r += f(p);
  free(p);
  free(p);
  char *q = malloc(7);
  q = 0;
  void *keep = malloc(-3);
  return r;
}
`;


describe('memcheck --xml=yes matches valgrind', () => {
  it('invalid read, uninitialised condition, repeats, invalid free, fishy value, a leak', () =>
    compareXml('bugs', build('bugs', BUGS), ['--leak-check=full']), 120_000);
  it('with origins', () => compareXml('origins', build('bugs2', BUGS), ['--leak-check=full', '--track-origins=yes']), 120_000);
  it('every leak kind, shown and not counted as errors', () =>
    compareXml('leaks', build('leaks', LEAKS), ['--leak-check=full', '--show-leak-kinds=all']), 120_000);
});
