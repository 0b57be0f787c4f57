// The status line's words for where a run stands.
import type { RunStatus } from '../workers/protocol.ts';

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
};

/** `stopped`: the page ended the run (Stop), which the worker cannot report. */
export function statusLabel(s: RunStatus | { kind: 'stopped' } | { kind: 'starting' }): string {
  switch (s.kind) {
    case 'exited':
      return `exited with status ${s.status}`;
    case 'killed':
      return `killed by signal ${s.signal}${SIGNALS[s.signal] ? ` (${SIGNALS[s.signal]})` : ''}`;
    case 'failed':
      return `failed: ${s.message}`;
    case 'paused':
      return 'paused';
    default:
      return s.kind;
  }
}

/** Why a paused run stopped, for beside the status. */
export function pauseDetail(s: RunStatus): string {
  if (s.kind !== 'paused') return '';
  const at = `0x${s.rip.toString(16)}`;
  switch (s.reason.kind) {
    case 'breakpoint':
      return `at breakpoint ${s.reason.id}, ${at}`;
    case 'entry':
      return `at the program's first instruction, ${at}`;
    case 'step':
      return `after a step, at ${at}`;
    case 'pause':
      return `at ${at}`;
  }
}
