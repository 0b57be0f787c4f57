// Monaco is most of the page's weight: it is fetched and parsed once the page has first
// gone idle and a run that started with the page (a share link) has ended or had a few
// seconds, so the sample list, the terminal and a first run do not wait behind it, nor
// share the machine's cores with it.
let loading: Promise<typeof import('./monaco.ts')> | undefined;
let held: Promise<unknown> = Promise.resolve();

/** How long a run may keep Monaco from loading. */
const MAX_HOLD_MS = 3000;

export function loadMonaco(): Promise<typeof import('./monaco.ts')> {
  loading ??= new Promise<void>((idle) => requestIdleCallback(() => idle(), { timeout: 2000 }))
    .then(() => held)
    .then(() => import('./monaco.ts'));
  return loading;
}

/** Keeps Monaco from loading until `done` settles (or MAX_HOLD_MS pass), unless it has
 *  begun to load already. */
export function holdMonaco(done: Promise<unknown>): void {
  const limit = new Promise<void>((r) => setTimeout(r, MAX_HOLD_MS));
  held = Promise.all([held, Promise.race([done.catch(() => {}), limit])]);
}
