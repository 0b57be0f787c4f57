// The `grindlab` command: Valgrind's command line over the grindlab engine.
import { readFileSync } from 'node:fs';
import { GRINDLAB_VERSION } from '../engine/core/output.ts';
import { disassembleElf } from '../engine/debug/disassemble.ts';
import { ElfError, parseElf } from '../engine/elf/index.ts';
import { UsageError, parseCommandLine } from './options.ts';
import { runProgram } from './run.ts';

const USAGE = `usage: grindlab [options] prog-and-args
       grindlab --disassemble [-w] FILE [--section=NAME]...

  --tool=memcheck|none      the tool to run [memcheck]
  -q, --quiet               no banner, only errors
  --log-file=FILE           write the tool's report to FILE instead of stderr
  --xml=no|yes              the report in Valgrind's XML output protocol 4 [no]
  --xml-file=FILE           where --xml=yes writes it
  --trace-ir=before|after|both
                            print each new block's IR before and/or after
                            instrumentation and optimisation
  --trace-notbelow=N        only from the Nth translated block on
  --seed=N                  the run's seed: time, pids, randomness and scheduling
                            derive from it, so a seed replays a run exactly [1]
  --sandbox                 the guest sees only the in-memory filesystem (as in
                            the browser), not the host's current directory and /tmp
  --main-stacksize=N        main thread stack size in bytes
  --check-ir                verify every block's IR after lifting and each optimiser pass
  --stats=no|yes            print translation and execution counts at exit [no]
  --trace-symtab=no|yes     show which objects' symbols and debug files are read [no]
  --backend=wasm|interp     what runs translated blocks: the WebAssembly JIT, or the
                            reference IR interpreter [wasm]
  --fair-sched=no|yes       threads take turns in order, not as the seed picks [no]
  --sched-slice=N           blocks a thread runs before the scheduler picks again;
                            the seed varies each slice around it [100000]
  --trace-sched=no|yes      show every thread creation, switch, futex wait, wake
                            and exit [no]

  error reporting (as Valgrind's):
  -s, --show-error-list=no|yes  list the errors and their counts at exit [no]
  --num-callers=N           frames in a stack trace [12]
  --error-limit=no|yes      stop showing new errors after 1000 contexts [yes]
  --error-exitcode=N        exit status when errors were found [0]
  --suppressions=FILE       suppressions in Valgrind's syntax (repeatable)
  --gen-suppressions=no|all print a suppression for each error [no]

  memcheck (as Valgrind's):
  --leak-check=no|summary|full  the leak check at exit [summary]
  --show-leak-kinds=KINDS   definite,indirect,possible,reachable, all or none
                            [definite,possible]
  --errors-for-leak-kinds=KINDS  leak kinds counted as errors [definite,possible]
  --undef-value-errors=no|yes  report uses of undefined values [yes]
  --track-origins=no|yes    say where undefined values came from [no]
  --freelist-vol=N          bytes of freed blocks kept inaccessible [20000000]

  --disassemble FILE        print FILE's executable sections as objdump -d does
  -w, --wide                with --disassemble: all bytes of an instruction on one line
  --section=NAME            with --disassemble: only this section (repeatable)
  --version, -h --help`;

function disassemble(file: string, wide: boolean, sections: string[]): number {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `'${file}': No such file` : `'${file}': cannot read (${code ?? String(e)})`);
  }
  const elf = parseElf(bytes);
  const out: string[] = [];
  for (const line of disassembleElf(elf, { fileName: file, wide, sections: sections.length ? sections : undefined })) {
    out.push(line);
    if (out.length >= 4096) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

export function main(argv: string[]): number {
  try {
    const cmd = parseCommandLine(argv);
    switch (cmd.kind) {
      case 'help': process.stdout.write(USAGE + '\n'); return 0;
      case 'version': process.stdout.write(`grindlab-${GRINDLAB_VERSION}\n`); return 0;
      case 'disassemble': return disassemble(cmd.file, cmd.wide, cmd.sections);
      case 'run': return runProgram(cmd.options);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ElfError) {
      process.stderr.write(`grindlab: ${e.message}\n`);
      if (e instanceof UsageError && /option|no program/i.test(e.message)) {
        process.stderr.write('grindlab: Use --help for more information.\n');
      }
      return 1;
    }
    throw e;
  }
}
