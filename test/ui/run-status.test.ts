import { describe, expect, it } from 'vitest';
import { pauseDetail, statusLabel } from '../../src/ui/run-status.ts';

describe('statusLabel', () => {
  it('names each state', () => {
    expect(statusLabel({ kind: 'running' })).toBe('running');
    expect(statusLabel({ kind: 'reading' })).toBe('reading');
    expect(statusLabel({ kind: 'exited', status: 0 })).toBe('exited with status 0');
    expect(statusLabel({ kind: 'killed', signal: 11 })).toBe('killed by signal 11 (SIGSEGV)');
    expect(statusLabel({ kind: 'failed', message: 'bad ELF' })).toBe('failed: bad ELF');
    expect(statusLabel({ kind: 'stopped' })).toBe('stopped');
    const paused = { kind: 'paused', reason: { kind: 'breakpoint', id: 1, addr: 0x401136 }, rip: 0x401136 } as const;
    expect(statusLabel(paused)).toBe('paused');
    expect(pauseDetail(paused)).toBe('at breakpoint 1, 0x401136');
  });
});
