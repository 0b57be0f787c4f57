// fxsave/fxrstor: the 512-byte FXSAVE image of the x87 and SSE state (Intel SDM vol. 1,
// 10.5.1), written from and read back into our guest state, where the x87 registers are
// doubles (converted to and from 80-bit extended precision here).
import type { MemoryPort } from '../../memory/port.ts';
import { f64ToF80, f80ToF64 } from './x87-format.ts';
import {
  OFFSET_FC3210, OFFSET_FPREG, OFFSET_FPROUND, OFFSET_FPTAG, OFFSET_FTOP, OFFSET_SSEROUND, OFFSET_YMM,
} from './state.ts';

const FCW_DEFAULT = 0x037f;
const MXCSR_DEFAULT = 0x1f80;
const MXCSR_MASK = 0xffff;
const ST_AREA = 32;
const XMM_AREA = 160;

/** Writes the image at addr; the port checks the whole 512 bytes first (all or nothing). */
export function fxsave(state: DataView, mem: MemoryPort, addr: number): void {
  mem.store8(addr + 511, mem.load8(addr + 511)); // fault before writing anything
  const ftop = state.getUint32(OFFSET_FTOP, true) & 7;
  const fcw = FCW_DEFAULT | (Number(state.getBigUint64(OFFSET_FPROUND, true) & 3n) << 10);
  const fsw = (Number(state.getBigUint64(OFFSET_FC3210, true)) & 0x4700) | (ftop << 11);
  let ftw = 0;
  for (let i = 0; i < 8; i++) if (state.getUint8(OFFSET_FPTAG + i)) ftw |= 1 << i;
  mem.store16(addr, fcw);
  mem.store16(addr + 2, fsw);
  mem.store8(addr + 4, ftw);
  mem.store8(addr + 5, 0);
  for (let o = 6; o < 24; o += 2) mem.store16(addr + o, 0); // FOP, FIP, FDP: not tracked
  mem.store32(addr + 24, MXCSR_DEFAULT | (Number(state.getBigUint64(OFFSET_SSEROUND, true) & 3n) << 13));
  mem.store32(addr + 28, MXCSR_MASK);
  for (let i = 0; i < 8; i++) {
    const reg = (ftop + i) & 7; // ST(i) is physical register TOP+i
    const v = f64ToF80(state.getBigUint64(OFFSET_FPREG + 8 * reg, true));
    const at = addr + ST_AREA + 16 * i;
    mem.store64(at, v.mant);
    mem.store16(at + 8, v.se);
    for (let o = 10; o < 16; o += 2) mem.store16(at + o, 0);
  }
  for (let i = 0; i < 16; i++) {
    mem.store64(addr + XMM_AREA + 16 * i, state.getBigUint64(OFFSET_YMM(i), true));
    mem.store64(addr + XMM_AREA + 16 * i + 8, state.getBigUint64(OFFSET_YMM(i) + 8, true));
  }
}

export function fxrstor(state: DataView, mem: MemoryPort, addr: number): void {
  mem.load8(addr + 511); // fault before changing anything
  const fcw = mem.load16(addr);
  const fsw = mem.load16(addr + 2);
  const ftw = mem.load8(addr + 4);
  const ftop = (fsw >> 11) & 7;
  state.setUint32(OFFSET_FTOP, ftop, true);
  state.setBigUint64(OFFSET_FC3210, BigInt(fsw & 0x4700), true);
  state.setBigUint64(OFFSET_FPROUND, BigInt((fcw >> 10) & 3), true);
  state.setBigUint64(OFFSET_SSEROUND, BigInt((mem.load32(addr + 24) >> 13) & 3), true);
  for (let i = 0; i < 8; i++) {
    const reg = (ftop + i) & 7;
    const at = addr + ST_AREA + 16 * i;
    state.setBigUint64(OFFSET_FPREG + 8 * reg, f80ToF64({ mant: mem.load64(at), se: mem.load16(at + 8) }), true);
  }
  for (let i = 0; i < 8; i++) state.setUint8(OFFSET_FPTAG + i, (ftw >> i) & 1);
  for (let i = 0; i < 16; i++) {
    state.setBigUint64(OFFSET_YMM(i), mem.load64(addr + XMM_AREA + 16 * i), true);
    state.setBigUint64(OFFSET_YMM(i) + 8, mem.load64(addr + XMM_AREA + 16 * i + 8), true);
  }
}
