// The sample catalogue: public/samples/manifest.json, produced by samples/Makefile.

export interface SampleBuild {
  kind: string;
  path: string;
  size: number;
}

export interface Sample {
  name: string;
  description: string;
  source: string;
  /** Default arguments and standard input of a run. */
  args?: string[];
  stdin?: string | null;
  /** The tool the sample is meant for (memcheck's stories) and its options. */
  tool?: string;
  toolOptions?: string[];
  /** The bug story the sample retells, shown above its source. */
  story?: string;
  builds: SampleBuild[];
}

export type Catalogue =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'error'; message: string }
  // `base` is the manifest's URL: sample paths are relative to it.
  | { status: 'loaded'; samples: Sample[]; base: URL };

// Relative to the document, so the static build works under any sub-path.
export const MANIFEST_PATH = 'samples/manifest.json';

export async function loadCatalogue(base: string = document.baseURI): Promise<Catalogue> {
  const url = new URL(MANIFEST_PATH, base);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    return { status: 'error', message: String(e) };
  }
  // Dev and preview servers answer unknown paths with index.html, so a non-JSON
  // answer means "not built yet" just as a 404 does.
  const type = response.headers.get('content-type') ?? '';
  if (response.status === 404 || (response.ok && !type.includes('json'))) return { status: 'missing' };
  if (!response.ok) return { status: 'error', message: `HTTP ${response.status}` };
  try {
    const data: unknown = await response.json();
    const list = Array.isArray(data) ? data : (data as { samples?: unknown })?.samples;
    if (!Array.isArray(list)) return { status: 'error', message: 'manifest.json holds no sample list' };
    return { status: 'loaded', samples: list.filter(isSample), base: url };
  } catch (e) {
    return { status: 'error', message: `manifest.json: ${String(e)}` };
  }
}

function isSample(x: unknown): x is Sample {
  const s = x as Partial<Sample> | null;
  return typeof s?.name === 'string' && Array.isArray(s.builds);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
