// Monaco is most of the page's weight: it is fetched and parsed once the page has first
// gone idle, so the sample list, the terminal and a first run do not wait behind it.
let loading: Promise<typeof import('./monaco.ts')> | undefined;

export function loadMonaco(): Promise<typeof import('./monaco.ts')> {
  loading ??= new Promise<void>((idle) => requestIdleCallback(() => idle(), { timeout: 2000 })).then(() => import('./monaco.ts'));
  return loading;
}
