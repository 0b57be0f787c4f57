// Path resolution: the table of path-table.ts, whose expectations are themselves
// checked against the real kernel.

import { beforeAll, describe, expect, it } from 'vitest';
import { runNative, runVfs } from './differential.ts';
import { PATH_LINES, PATH_OPS } from './path-table.ts';

describe('path resolution', () => {
  let native: string[];
  beforeAll(() => {
    native = runNative(PATH_OPS);
  });

  it('the table states what the real kernel does', () => {
    expect(native).toEqual(PATH_LINES);
  });

  it('the VFS does the same', () => {
    expect(runVfs(PATH_OPS)).toEqual(PATH_LINES);
  });
});
