// grindlab's cross-origin isolation service worker.
//
// SharedArrayBuffer (guest memory) needs a cross-origin-isolated page, which
// needs COOP/COEP response headers. Static hosts that cannot set headers serve
// this worker instead: it refetches every same-origin request and hands the
// page a copy of the response with the headers added. index.html registers it
// and reloads once so the document itself arrives through here.

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Cross-origin responses are opaque to us and cannot be given headers;
  // leave them to the browser (COEP will then judge them on their own CORP).
  if (new URL(request.url).origin !== self.location.origin) return;
  // Chromium rejects refetching these outside same-origin mode.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(isolated(request));
});

async function isolated(request) {
  const response = await fetch(request);
  // Opaque and redirect responses expose no headers to rewrite.
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) {
    return response;
  }
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
