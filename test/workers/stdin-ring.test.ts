// The stdin ring between the page (StdinWriter) and the worker (StdinReader), over one
// SharedArrayBuffer: order, wrap-around, backlog when full, EOF, and waking a waiter.
import { describe, expect, it } from 'vitest';
import { StdinReader, StdinWriter, createStdinRing } from '../../src/workers/stdin-ring.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('stdin ring', () => {
  it('passes bytes in order, across the wrap-around, and reads nothing (null) when empty', () => {
    const sab = createStdinRing(8);
    const w = new StdinWriter(sab);
    const r = new StdinReader(sab);
    expect(r.read(10)).toBeNull();
    expect(w.write(enc('abcdef'))).toBe(0);
    expect(dec(r.read(4))).toBe('abcd');
    expect(w.write(enc('ghijkl'))).toBe(0); // wraps: 2 + 6 bytes in an 8-byte ring
    expect(dec(r.read(100))).toBe('efghijkl');
    expect(r.read(1)).toBeNull();
  });

  it('keeps what does not fit and moves it in as the reader frees room', () => {
    const sab = createStdinRing(4);
    const w = new StdinWriter(sab);
    const r = new StdinReader(sab);
    expect(w.write(enc('0123456789'))).toBe(6);
    expect(dec(r.read(3))).toBe('012');
    expect(w.flush()).toBe(3);
    expect(dec(r.read(10))).toBe('3456');
    expect(w.flush()).toBe(0);
    expect(dec(r.read(10))).toBe('789');
  });

  it('close: what is left, then EOF (empty reads) for good; a backlog is delivered first', () => {
    const sab = createStdinRing(4);
    const w = new StdinWriter(sab);
    const r = new StdinReader(sab);
    w.write(enc('abcdef'));
    w.close();
    expect(r.closed).toBe(false); // 'ef' still waits in the page's backlog
    expect(dec(r.read(10))).toBe('abcd');
    expect(w.flush()).toBe(0);
    expect(r.closed).toBe(true);
    expect(dec(r.read(10))).toBe('ef');
    expect(dec(r.read(10))).toBe('');
    expect(dec(r.read(10))).toBe('');
    expect(w.write(enc('late'))).toBe(0);
    expect(dec(r.read(10))).toBe('');
  });

  it('wait resolves when the page writes or closes after the sequence was read', async () => {
    const sab = createStdinRing();
    const w = new StdinWriter(sab);
    const r = new StdinReader(sab);
    let seq = r.seq;
    setTimeout(() => w.write(enc('x')), 20);
    await r.wait(seq);
    expect(dec(r.read(10))).toBe('x');
    seq = r.seq;
    setTimeout(() => w.close(), 20);
    await r.wait(seq);
    expect(dec(r.read(10))).toBe('');
  });

  it('a write that lands between the empty read and the wait wakes the wait at once', async () => {
    const sab = createStdinRing();
    const w = new StdinWriter(sab);
    const r = new StdinReader(sab);
    const seq = r.seq;
    expect(r.read(10)).toBeNull();
    w.write(enc('z'));
    await r.wait(seq);
    expect(dec(r.read(10))).toBe('z');
  });
});
