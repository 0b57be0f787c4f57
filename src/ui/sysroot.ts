// The glibc sysroot for dynamically linked programs: fetched once, checked against the
// manifest's sha256, kept in the Cache API (so later visits, even offline, reuse it), and
// decompressed with the browser's own gzip. The engine worker unpacks the result.

export interface SysrootManifest {
  image: string;
  source: string;
  size: number;
  sha256: string;
}

export type SysrootState =
  | { status: 'loading' }
  | { status: 'ready'; manifest: SysrootManifest; bytes: Uint8Array; fromCache: boolean }
  | { status: 'error'; message: string };

/** Bumped when the cache's layout changes; the image itself is keyed by its hash. */
const CACHE_NAME = 'grindlab-sysroot-v1';

async function sha256(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function gunzip(bytes: ArrayBuffer): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Puts the image in the cache in place of any other; failing to is no error (a private
 *  window may refuse the Cache API's storage): the next visit downloads it again. */
async function storeImage(cache: Cache, url: URL, body: ArrayBuffer): Promise<void> {
  try {
    for (const key of await cache.keys()) await cache.delete(key);
    await cache.put(url, new Response(body, { headers: { 'Content-Type': 'application/gzip' } }));
  } catch {
    // Not kept.
  }
}

export async function loadSysroot(base: URL = new URL('sysroot/', document.baseURI)): Promise<SysrootState> {
  try {
    const res = await fetch(new URL('manifest.json', base), { cache: 'no-cache' });
    if (!res.ok) return { status: 'error', message: `sysroot/manifest.json: HTTP ${res.status}` };
    const manifest = (await res.json()) as SysrootManifest;
    // The hash in the URL makes a rebuilt image a new cache entry; old ones are dropped.
    const url = new URL(`${manifest.image}?sha256=${manifest.sha256}`, base);
    const cache = await caches.open(CACHE_NAME);
    let fromCache = true;
    let stored = Promise.resolve();
    let body = await (await cache.match(url))?.arrayBuffer();
    if (!body || (await sha256(body)) !== manifest.sha256) {
      fromCache = false;
      const fetched = await fetch(url);
      if (!fetched.ok) return { status: 'error', message: `${manifest.image}: HTTP ${fetched.status}` };
      body = await fetched.arrayBuffer();
      if ((await sha256(body)) !== manifest.sha256) return { status: 'error', message: `${manifest.image}: checksum mismatch` };
      stored = storeImage(cache, url, body);
    }
    // Stored while it is unpacked, not before.
    const [bytes] = await Promise.all([gunzip(body), stored]);
    return { status: 'ready', manifest, bytes, fromCache };
  } catch (e) {
    return { status: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}
