// The `grindlab` command: Valgrind's command line over the grindlab engine.
import { readFileSync } from 'node:fs';
import { ElfError, parseElf } from '../engine/elf/index.ts';
import { disassembleElf } from '../engine/debug/disassemble.ts';

const VERSION = '0.1.0';

const USAGE = `usage: grindlab [options] prog-and-args
       grindlab --disassemble [-w] FILE [--section=NAME]...

  --disassemble FILE   print the executable sections of FILE as objdump -d does
  -w, --wide           with --disassemble: all bytes of an instruction on one line
  --section=NAME       with --disassemble: only this section (repeatable)
  --version            print the version and exit
  -h, --help           this text

Running programs under a tool (--tool=none|memcheck|...) is not available yet.`;

class UsageError extends Error {}

interface Options { disassemble?: string; wide: boolean; sections: string[] }

function parseArgs(argv: string[]): Options | 'help' | 'version' {
  const o: Options = { wide: false, sections: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--version') return 'version';
    if (a === '-w' || a === '--wide') o.wide = true;
    else if (a === '--disassemble' || a === '-d') {
      if (i + 1 >= argv.length) throw new UsageError('--disassemble needs a FILE');
      o.disassemble = argv[++i];
    } else if (a.startsWith('--disassemble=')) o.disassemble = a.slice('--disassemble='.length);
    else if (a.startsWith('--section=')) o.sections.push(a.slice('--section='.length));
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else throw new UsageError(`running '${a}' under a tool is not implemented yet; try --disassemble ${a}`);
  }
  if (o.disassemble === undefined) throw new UsageError('nothing to do');
  return o;
}

function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `'${path}': No such file` : `'${path}': cannot read (${code ?? String(e)})`);
  }
}

export function main(argv: string[]): number {
  try {
    const opts = parseArgs(argv);
    if (opts === 'help') { process.stdout.write(USAGE + '\n'); return 0; }
    if (opts === 'version') { process.stdout.write(`grindlab-${VERSION}\n`); return 0; }
    const file = opts.disassemble!;
    const elf = parseElf(readInput(file));
    const out: string[] = [];
    for (const line of disassembleElf(elf, {
      fileName: file, wide: opts.wide, sections: opts.sections.length ? opts.sections : undefined,
    })) {
      out.push(line);
      if (out.length >= 4096) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
    }
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ElfError) {
      const hint = e instanceof UsageError && !e.message.includes('No such file') ? ' (grindlab --help for usage)' : '';
      process.stderr.write(`grindlab: ${e.message}${hint}\n`);
      return 1;
    }
    throw e;
  }
}
