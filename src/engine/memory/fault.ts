// What a bad guest access is, in the terms SIGSEGV delivery and Valgrind's
// fatal-signal report need.
import type { GuestAddr } from './types.ts';

export type AccessKind = 'read' | 'write' | 'exec';

/**
 * - unmapped: no mapping covers the address (si_code SEGV_MAPERR).
 * - forbidden: mapped, but without the permission the access needs (SEGV_ACCERR).
 * - general-protection: a non-canonical address; x86-64 raises #GP, which
 *   Linux delivers as SIGSEGV with si_code SI_KERNEL and si_addr 0.
 */
export type FaultCause = 'unmapped' | 'forbidden' | 'general-protection';

export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const SI_KERNEL = 0x80;

const TWO_47 = 2 ** 47;
const TWO_64 = 2 ** 64;

export class MemoryFault {
  constructor(
    /** The first byte of the access that is not allowed (CR2, as the kernel reports it in si_addr). */
    readonly addr: GuestAddr,
    readonly access: AccessKind,
    readonly cause: FaultCause,
  ) {}

  get siCode(): number {
    switch (this.cause) {
      case 'unmapped': return SEGV_MAPERR;
      case 'forbidden': return SEGV_ACCERR;
      case 'general-protection': return SI_KERNEL;
    }
  }

  /** si_addr: the kernel reports 0 for a general-protection fault. */
  get siAddr(): GuestAddr {
    return this.cause === 'general-protection' ? 0 : this.addr;
  }

  /**
   * The line Valgrind prints under "Process terminating with default action of
   * signal 11 (SIGSEGV)" (m_signals.c; %p prints upper-case hex).
   */
  describe(): string {
    const at = `at address 0x${this.addr.toString(16).toUpperCase()}`;
    switch (this.cause) {
      case 'unmapped': return `Access not within mapped region ${at}`;
      case 'forbidden': return `Bad permissions for mapped region ${at}`;
      case 'general-protection': return 'General Protection Fault';
    }
  }
}

/** x86-64 addresses are canonical when bits 63..47 are all equal. */
export function isCanonical(addr: GuestAddr): boolean {
  return addr < TWO_47 || addr >= TWO_64 - TWO_47;
}
