// Suppression files in Valgrind's syntax:
//
//   {
//      name
//      Memcheck:Addr4            (tool:kind; kinds may be a comma list, e.g. Memcheck,Helgrind:Free)
//      [extra line]              (Param: the parameter, "write(buf)"; Leak: match-leak-kinds: ...)
//      fun:main                  (frames, innermost first: fun:NAME, obj:PATH, "..." any frames)
//   }
//
// Names and paths are globs with * and ?. A suppression matches an error whose stack
// begins with its frames.
import type { FrameNames, ToolError } from './errors.ts';

export interface Suppression {
  name: string;
  /** Where it was read from, "file:line" as `-s` prints it. */
  source: string;
  tools: string[];
  kind: string;
  extra?: string;
  frames: string[];
}

export class SuppressionSyntaxError extends Error {}

export function parseSuppressions(text: string, file: string): Suppression[] {
  const out: Suppression[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '' || l.startsWith('#')) continue;
    if (l !== '{') throw new SuppressionSyntaxError(`${file}:${i + 1}: expected '{' but found '${l}'`);
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '}'; i++) if (lines[i] !== '' && !lines[i]!.startsWith('#')) body.push(lines[i]!);
    if (i >= lines.length) throw new SuppressionSyntaxError(`${file}:${start}: suppression without '}'`);
    const [name, toolKind, ...rest] = body;
    const colon = toolKind?.indexOf(':') ?? -1;
    if (!name || !toolKind || colon < 0) throw new SuppressionSyntaxError(`${file}:${start}: bad suppression`);
    const extraLine = rest[0] !== undefined && !isFrameLine(rest[0]) ? rest.shift() : undefined;
    out.push({
      name, source: `${file}:${start}`, tools: toolKind.slice(0, colon).split(','), kind: toolKind.slice(colon + 1),
      ...(extraLine !== undefined && { extra: extraLine }), frames: rest,
    });
  }
  return out;
}

const isFrameLine = (l: string) => l === '...' || l.startsWith('fun:') || l.startsWith('obj:') || l.startsWith('src:');

function glob(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(s);
}

function frameMatches(pattern: string, ip: number, names: FrameNames): boolean {
  if (pattern.startsWith('fun:')) return glob(pattern.slice(4), names.fnName(ip) ?? '???');
  if (pattern.startsWith('obj:')) return glob(pattern.slice(4), names.objPath(ip) ?? '???');
  return false;
}

/** Frames `pats` against the stack from `ips`, "..." standing for any number of frames. */
function stackMatches(pats: string[], ips: number[], names: FrameNames): boolean {
  if (pats.length === 0) return true;
  const [p, ...rest] = pats;
  if (p === '...') {
    for (let k = 0; k <= ips.length; k++) if (stackMatches(rest, ips.slice(k), names)) return true;
    return false;
  }
  return ips.length > 0 && frameMatches(p!, ips[0]!, names) && stackMatches(rest, ips.slice(1), names);
}

export function matchSuppression(s: Suppression, e: ToolError, names: FrameNames): boolean {
  if (!s.tools.includes('Memcheck') || s.kind !== e.supp) return false;
  if (e.supp === 'Leak') {
    // "match-leak-kinds: definite,possible" or absent (any kind).
    const m = s.extra?.match(/^match-leak-kinds:\s*(.*)$/);
    if (m && m[1] !== 'all' && !m[1]!.split(',').map((k) => k.trim()).includes(e.suppExtra ?? '')) return false;
  } else if (s.extra !== undefined && e.suppExtra !== undefined && s.extra !== e.suppExtra) {
    return false;
  }
  return stackMatches(s.frames, e.ips, names);
}

/** The suppression --gen-suppressions=all prints after an error. */
export function suppressionText(e: ToolError, names: FrameNames): string {
  const lines = ['{', '   <insert_a_suppression_name_here>', `   Memcheck:${e.supp}`];
  if (e.supp === 'Leak') lines.push(`   match-leak-kinds: ${e.suppExtra}`);
  else if (e.suppExtra) lines.push(`   ${e.suppExtra}`);
  for (const ip of e.ips) {
    const fn = names.fnName(ip);
    lines.push(fn ? `   fun:${fn}` : `   obj:${names.objPath(ip) ?? '*'}`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
