// Our guest state layout must be VEX's, offset for offset: compile a C program against
// valgrind's installed libvex_guest_amd64.h and compare offsetof() with our constants.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import * as S from '../../src/engine/guest/amd64/state.ts';

const FIELDS: [string, number][] = [
  ['guest_RAX', S.OFFSET_RAX], ['guest_RSP', S.OFFSET_RSP], ['guest_R15', S.OFFSET_GPR(15)],
  ['guest_CC_OP', S.OFFSET_CC_OP], ['guest_CC_DEP1', S.OFFSET_CC_DEP1], ['guest_CC_DEP2', S.OFFSET_CC_DEP2],
  ['guest_CC_NDEP', S.OFFSET_CC_NDEP], ['guest_DFLAG', S.OFFSET_DFLAG], ['guest_RIP', S.OFFSET_RIP],
  ['guest_ACFLAG', S.OFFSET_ACFLAG], ['guest_IDFLAG', S.OFFSET_IDFLAG], ['guest_FS_CONST', S.OFFSET_FS_BASE],
  ['guest_SSEROUND', S.OFFSET_SSEROUND], ['guest_YMM0', S.OFFSET_YMM(0)], ['guest_YMM15', S.OFFSET_YMM(15)],
  ['guest_YMM16', S.OFFSET_YMM(16)], ['guest_FTOP', S.OFFSET_FTOP], ['guest_FPREG', S.OFFSET_FPREG],
  ['guest_FPTAG', S.OFFSET_FPTAG], ['guest_FPROUND', S.OFFSET_FPROUND], ['guest_FC3210', S.OFFSET_FC3210],
  ['guest_EMNOTE', S.OFFSET_EMNOTE], ['guest_CMSTART', S.OFFSET_CMSTART], ['guest_CMLEN', S.OFFSET_CMLEN],
  ['guest_NRADDR', S.OFFSET_NRADDR], ['guest_SC_CLASS', S.OFFSET_SC_CLASS], ['guest_GS_CONST', S.OFFSET_GS_BASE],
  ['guest_IP_AT_SYSCALL', S.OFFSET_IP_AT_SYSCALL],
];

it('matches VexGuestAMD64State from valgrind 3.19 headers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grindlab-state-'));
  try {
    const src = join(dir, 'off.c');
    writeFileSync(src, `#include <stdio.h>
#include <stddef.h>
#include <valgrind/libvex_guest_amd64.h>
int main(void) {
${FIELDS.map(([f]) => `  printf("%zu\\n", offsetof(VexGuestAMD64State, ${f}));`).join('\n')}
  printf("%zu\\n", sizeof(VexGuestAMD64State));
  return 0;
}
`);
    execFileSync('gcc', ['-I/usr/include/valgrind', src, '-o', join(dir, 'off')]);
    const got = execFileSync(join(dir, 'off'), { encoding: 'utf8' }).trim().split('\n').map(Number);
    expect(got).toEqual([...FIELDS.map(([, o]) => o), S.GUEST_STATE_SIZE]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
