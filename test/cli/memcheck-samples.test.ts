// The memcheck bug-story samples against native valgrind 3.19: each dynamic build runs
// under both with its manifest options and stdin; report (normalised), stdout and exit
// status must be equal. kvm-pit talks to /dev/kvm, which is grindlab's teaching device:
// natively its ioctls fail (or reach a real KVM) and the program goes another way, so
// only the report up to the ioctl errors is valgrind's; after it comes the error the
// sample teaches, the use of the bitmap KVM_GET_DIRTY_LOG wrote behind memcheck's back.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareMemcheck, normaliseReport, reportErrors, runMemcheck } from '../support/oracles.ts';
import { scratchBuilder } from '../support/memcheck-programs.ts';

const { build } = scratchBuilder('grindlab-memcheck-samples-');

const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'public/samples/manifest.json'), 'utf8')) as {
  samples: { name: string; tool?: string; toolOptions?: string[]; stdin: string | null }[];
};
const meta = JSON.parse(readFileSync(join(root, 'samples/samples.json'), 'utf8')).samples as
  { name: string; test: { teachingDevice?: { stdout: string } } }[];

const exeOf = (name: string) => join(root, 'public/samples', name, `${name}-dynamic`);
const IOCTL_ERROR = 'Syscall param ioctl(generic) points to uninitialised byte(s)';

describe('memcheck samples match valgrind', () => {
  for (const s of manifest.samples.filter((x) => x.tool === 'memcheck')) {
    const device = meta.find((m) => m.name === s.name)?.test.teachingDevice;
    if (!device) {
      it(s.name, () => compareMemcheck(s.name, exeOf(s.name), s.toolOptions ?? [], s.stdin), 120_000);
      continue;
    }
    it(`${s.name}: our two ioctl errors, then the use of the bitmap`, () => {
      const { ours } = runMemcheck(exeOf(s.name), s.toolOptions ?? [], s.stdin);
      expect(ours.stdout).toBe(device.stdout);
      expect(ours.status).toBe(0);
      const errors = reportErrors(normaliseReport(ours.stderr));
      expect(errors.slice(0, 2).map((e) => e[0])).toEqual([IOCTL_ERROR, IOCTL_ERROR]);
      // gcc -O1 turns `if (*bitmap >> page & 1) dirty++` into a branchless add, so the
      // first branch on the bitmap is in printf's formatting of the count (line 69), as
      // valgrind reports it for the same code (the next test).
      const third = errors[2]!;
      expect(third[0]).toBe('Conditional jump or move depends on uninitialised value(s)');
      expect(third[1]).toMatch(/__vfprintf_internal/);
      expect(third[third.length - 1]).toBe('   by 0x…: main (kvm-pit.c:69)');
    }, 120_000);
    // Natively /dev/kvm is absent or a real KVM: the ioctl errors are there only with one.
    it(`${s.name}: valgrind's report up to its ioctl errors (without /dev/kvm: no ioctl at all)`, () => {
      const { vg, ours } = runMemcheck(exeOf(s.name), s.toolOptions ?? [], s.stdin);
      const vgReport = normaliseReport(vg.stderr);
      const oursReport = normaliseReport(ours.stderr);
      if (!existsSync('/dev/kvm')) {
        // The open fails and the program stops before its first ioctl, with a clean report.
        expect(vg.status).toBe(1);
        expect(reportErrors(vgReport)).toEqual([]);
        return;
      }
      const lastIoctl = vgReport.lastIndexOf(IOCTL_ERROR);
      expect(vgReport.filter((l) => l === IOCTL_ERROR)).toHaveLength(2);
      const end = vgReport.indexOf('', lastIoctl) + 1;
      expect(oursReport.slice(0, end)).toEqual(vgReport.slice(0, end));
    }, 120_000);
  }

  it("kvm-pit's bitmap loop, with the bitmap undefined natively too", () => {
    // The samples' optimisation level (samples/Makefile).
    const exe = build('bitmap', `#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
int main(void) {
  uint64_t *bitmap = malloc(sizeof *bitmap);
  int dirty = 0;
  for (int page = 0; page < 64; page++)
    if (*bitmap >> page & 1)
      dirty++;
  printf("dirty pages in slot 0: %d\\n", dirty);
  free(bitmap);
  return 0;
}
`, false, '-O1');
    compareMemcheck('bitmap', exe, []);
  }, 120_000);
});
