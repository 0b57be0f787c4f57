import { describe, expect, it } from 'vitest';
import { MAX_FRAGMENT, ShareError, type SharedRun, decodeShare, encodeShare, fromBase64Url, toBase64Url } from '../../src/ui/share.ts';

const config = {
  path: '/home/user/args', args: ['one', 'two words'], env: ['A=1'], stdin: 'línea\n', tool: 'memcheck',
  toolOptions: ['--leak-check=full'], seed: 42, breakpoints: ['main', '0x401000'], backend: 'interp' as const,
};
const sample: SharedRun = { program: { kind: 'sample', sample: 'args', build: 'static' }, config };

function pseudoRandom(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  return out;
}

async function rejection(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ShareError);
  return (e as Error).message;
}

describe('share links', () => {
  it('round-trip a sample run', async () => {
    const { fragment, embedded } = await encodeShare(sample);
    expect(fragment).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{8}$/);
    expect(embedded).toBe(true);
    expect(await decodeShare(`#${fragment}`)).toEqual(sample);
  });

  it('embed an uploaded binary, compressed', async () => {
    const bytes = new Uint8Array(20000).fill(0x90);
    const run: SharedRun = { program: { kind: 'binary', name: 'a.out', bytes }, config };
    const { fragment, embedded } = await encodeShare(run);
    expect(embedded).toBe(true);
    expect(fragment.length).toBeLessThan(1000);
    expect(await decodeShare(fragment)).toEqual(run);
  });

  it('name a binary too large to embed and keep everything else', async () => {
    const run: SharedRun = { program: { kind: 'binary', name: 'big', bytes: pseudoRandom(MAX_FRAGMENT) }, config };
    const { fragment, embedded } = await encodeShare(run);
    expect(embedded).toBe(false);
    expect(fragment.length).toBeLessThanOrEqual(MAX_FRAGMENT);
    expect(await decodeShare(fragment)).toEqual({ program: { kind: 'absent', name: 'big' }, config });
  });

  it('reject tampered, truncated and foreign links with a clear reason', async () => {
    const { fragment } = await encodeShare(sample);
    const [v, payload, check] = fragment.split('.') as [string, string, string];
    expect(await rejection(decodeShare(`${v}.${payload}.${check.startsWith('A') ? 'B' : 'A'}${check.slice(1)}`))).toMatch(/altered/);
    // Flip a bit in the compressed data: it either fails to inflate or fails the checksum.
    const bytes = fromBase64Url(payload)!;
    bytes[bytes.length >> 1]! ^= 0x10;
    expect(await rejection(decodeShare(`${v}.${toBase64Url(bytes)}.${check}`))).toMatch(/damaged|altered/);
    expect(await rejection(decodeShare(`${v}.${payload.slice(0, 10)}.${check}`))).toMatch(/damaged|altered/);
    expect(await rejection(decodeShare(`${v}.${payload}!.${check}`))).toMatch(/base64url/);
    expect(await rejection(decodeShare('v9.abc.def'))).toMatch(/format v9/);
    expect(await rejection(decodeShare('#section-2'))).toMatch(/not a grindlab run link/);
  });

  it('reject well-formed links whose settings are not a run', async () => {
    const bad = { ...sample, config: { ...config, seed: -1 } };
    expect(await rejection(decodeShare((await encodeShare(bad)).fragment))).toMatch(/seed/);
    const noArgs = { ...sample, config: { ...config, args: 'one' as unknown as string[] } };
    expect(await rejection(decodeShare((await encodeShare(noArgs)).fragment))).toMatch(/args/);
    const badBackend = { ...sample, config: { ...config, backend: 'jvm' as 'wasm' } };
    expect(await rejection(decodeShare((await encodeShare(badBackend)).fragment))).toMatch(/backend/);
  });

  it('read links made before the backend setting as runs under the JIT', async () => {
    const { backend: _, ...older } = config;
    const decoded = await decodeShare((await encodeShare({ ...sample, config: older as typeof config })).fragment);
    expect(decoded.config.backend).toBe('wasm');
  });
});
