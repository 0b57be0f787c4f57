// A mini differential test: a sequence of file syscalls, written once, becomes a C
// program run natively in a fresh directory and a run through ProcessFiles in a fresh
// directory of the VFS. Both print one line per call, so the real kernel is the
// oracle, line by line.
//
// Natively the program drops to uid/gid 1000 when started as root, so permission
// checks behave as for the VFS's default user. Descriptors are named by slots ('a',
// 'r', 'w'); a slot holds the last descriptor stored in it (-1 before).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fds from '../../src/engine/kernel/fds/index.ts';
import { errnoName, type Stat } from '../../src/engine/kernel/vfs/index.ts';
import * as vfs from '../../src/engine/kernel/vfs/index.ts';
import { makeProcess, type TestProcess } from './support.ts';

interface Env {
  files: fds.ProcessFiles;
  slots: Map<string, number>;
  base: string;
}

/** One call: its C statements (which print one line) and the same call through ProcessFiles. */
export interface Op {
  readonly label: string;
  readonly c: string;
  run(env: Env): string;
}

const R_OK = 4, W_OK = 2, X_OK = 1;
const CONSTANTS: Record<string, number> = { ...numbers(vfs), ...numbers(fds), R_OK, W_OK, X_OK };

function numbers(module: object): Record<string, number> {
  return Object.fromEntries(Object.entries(module).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}

/** 'O_CREAT|O_WRONLY' or '0' as a number, by the same names C uses. */
function flags(expr: string): number {
  return expr.split('|').reduce((acc, part) => {
    const name = part.trim();
    const value = /^-?\d/.test(name) ? Number(name) : CONSTANTS[name];
    if (value === undefined) throw new Error(`unknown constant ${name}`);
    return acc | value;
  }, 0);
}

const quote = (s: string) => JSON.stringify(s);
const octal = (n: number) => (n === 0 ? '0' : `0${n.toString(8)}`);
const result = (r: number) => (r < 0 ? errnoName(r) : String(r));
const slotVar = (slot: string) => {
  if (!/^[a-z]\w*$/.test(slot)) throw new Error(`bad slot name ${slot}`);
  return `s_${slot}`;
};
const fdOf = (env: Env, slot: string) => env.slots.get(slot) ?? -1;

/** Printable ASCII as is, everything else as \xNN: the same in C and here. */
function escape(data: Uint8Array): string {
  let out = '';
  for (const b of data) out += b >= 32 && b < 127 && b !== 34 && b !== 92 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return `"${out}"`;
}

function describeStat(st: Stat): string {
  const isDir = (st.mode & vfs.S_IFMT) === vfs.S_IFDIR;
  return `mode=${st.mode.toString(8)} nlink=${st.nlink} size=${isDir ? '-' : st.size}`;
}

const utf8 = new TextEncoder();

/** A call whose whole output is its result; `store` keeps a returned descriptor in a slot. */
function call(label: string, cExpr: string, run: (env: Env) => number, store?: string): Op {
  const keep = store ? ` if (r >= 0) ${slotVar(store)} = r;` : '';
  return {
    label,
    c: `r = ${cExpr};${keep} res(${quote(label)}, r);`,
    run: (env) => {
      const r = run(env);
      if (store && r >= 0) env.slots.set(store, r);
      return `${label} = ${result(r)}`;
    },
  };
}

function statCall(label: string, cCall: string, run: (env: Env) => Stat | number): Op {
  return {
    label,
    c: `r = ${cCall}; if (r < 0) res(${quote(label)}, r); else printf("%s = mode=%o nlink=%ld size=%s\\n", ${quote(label)}, st.st_mode, (long)st.st_nlink, S_ISDIR(st.st_mode) ? "-" : (snprintf(num, sizeof num, "%ld", (long)st.st_size), num));`,
    run: (env) => {
      const st = run(env);
      return typeof st === 'number' ? `${label} = ${result(st)}` : `${label} = ${describeStat(st)}`;
    },
  };
}

/** A call that fills a buffer: the count, then the bytes. */
function bufferCall(label: string, size: number, cCall: string, run: (env: Env, buf: Uint8Array) => number): Op {
  return {
    label,
    c: `memset(buf, 0, sizeof buf); r = ${cCall}; if (r < 0) res(${quote(label)}, r); else { printf("%s = %ld ", ${quote(label)}, r); esc(buf, r); }`,
    run: (env) => {
      const buf = new Uint8Array(size);
      const r = run(env, buf);
      return r < 0 ? `${label} = ${result(r)}` : `${label} = ${r} ${escape(buf.subarray(0, r))}`;
    },
  };
}

export const op = {
  open: (path: string, how: string, mode = 0o644, slot = 'a') =>
    call(`open(${quote(path)}, ${how}, ${octal(mode)})`, `open(${quote(path)}, ${how}, ${octal(mode)})`,
      (env) => env.files.openat(vfs.AT_FDCWD, path, flags(how), mode), slot),
  openat: (dirSlot: string, path: string, how: string, slot = 'a') =>
    call(`openat(${dirSlot}, ${quote(path)}, ${how})`, `openat(${slotVar(dirSlot)}, ${quote(path)}, ${how}, 0644)`,
      (env) => env.files.openat(fdOf(env, dirSlot), path, flags(how), 0o644), slot),
  close: (slot: string) => call(`close(${slot})`, `close(${slotVar(slot)})`, (env) => env.files.close(fdOf(env, slot))),
  write: (slot: string, data: string) =>
    call(`write(${slot}, ${quote(data)})`, `write(${slotVar(slot)}, ${quote(data)}, ${utf8.encode(data).length})`,
      (env) => env.files.write(fdOf(env, slot), utf8.encode(data))),
  pwrite: (slot: string, data: string, pos: number) =>
    call(`pwrite(${slot}, ${quote(data)}, ${pos})`, `pwrite(${slotVar(slot)}, ${quote(data)}, ${utf8.encode(data).length}, ${pos})`,
      (env) => env.files.pwrite64(fdOf(env, slot), utf8.encode(data), pos)),
  read: (slot: string, count: number) =>
    bufferCall(`read(${slot}, ${count})`, count, `read(${slotVar(slot)}, buf, ${count})`, (env, buf) => env.files.read(fdOf(env, slot), buf)),
  pread: (slot: string, count: number, pos: number) =>
    bufferCall(`pread(${slot}, ${count}, ${pos})`, count, `pread(${slotVar(slot)}, buf, ${count}, ${pos})`,
      (env, buf) => env.files.pread64(fdOf(env, slot), buf, pos)),
  lseek: (slot: string, offset: number, whence: string) =>
    call(`lseek(${slot}, ${offset}, ${whence})`, `lseek(${slotVar(slot)}, ${offset}, ${whence})`,
      (env) => env.files.lseek(fdOf(env, slot), offset, flags(whence))),
  stat: (path: string) => statCall(`stat(${quote(path)})`, `stat(${quote(path)}, &st)`, (env) => env.files.fstatat(vfs.AT_FDCWD, path, 0)),
  lstat: (path: string) =>
    statCall(`lstat(${quote(path)})`, `lstat(${quote(path)}, &st)`, (env) => env.files.fstatat(vfs.AT_FDCWD, path, vfs.AT_SYMLINK_NOFOLLOW)),
  fstat: (slot: string) => statCall(`fstat(${slot})`, `fstat(${slotVar(slot)}, &st)`, (env) => env.files.fstat(fdOf(env, slot))),
  mkdir: (path: string, mode = 0o755) =>
    call(`mkdir(${quote(path)}, ${octal(mode)})`, `mkdir(${quote(path)}, ${octal(mode)})`, (env) => env.files.mkdirat(vfs.AT_FDCWD, path, mode)),
  rmdir: (path: string) => call(`rmdir(${quote(path)})`, `rmdir(${quote(path)})`, (env) => env.files.unlinkat(vfs.AT_FDCWD, path, vfs.AT_REMOVEDIR)),
  unlink: (path: string) => call(`unlink(${quote(path)})`, `unlink(${quote(path)})`, (env) => env.files.unlinkat(vfs.AT_FDCWD, path, 0)),
  rename: (from: string, to: string) =>
    call(`rename(${quote(from)}, ${quote(to)})`, `rename(${quote(from)}, ${quote(to)})`,
      (env) => env.files.renameat2(vfs.AT_FDCWD, from, vfs.AT_FDCWD, to, 0)),
  link: (from: string, to: string) =>
    call(`link(${quote(from)}, ${quote(to)})`, `link(${quote(from)}, ${quote(to)})`,
      (env) => env.files.linkat(vfs.AT_FDCWD, from, vfs.AT_FDCWD, to, 0)),
  symlink: (target: string, path: string) =>
    call(`symlink(${quote(target)}, ${quote(path)})`, `symlink(${quote(target)}, ${quote(path)})`,
      (env) => env.files.symlinkat(target, vfs.AT_FDCWD, path)),
  readlink: (path: string, size = 64) =>
    bufferCall(`readlink(${quote(path)}, ${size})`, size, `readlink(${quote(path)}, (char *)buf, ${size})`,
      (env, buf) => env.files.readlinkat(vfs.AT_FDCWD, path, buf)),
  access: (path: string, mode: string) =>
    call(`access(${quote(path)}, ${mode})`, `access(${quote(path)}, ${mode})`, (env) => env.files.faccessat(vfs.AT_FDCWD, path, flags(mode), 0)),
  chmod: (path: string, mode: number) =>
    call(`chmod(${quote(path)}, ${octal(mode)})`, `chmod(${quote(path)}, ${octal(mode)})`, (env) => env.files.fchmodat(vfs.AT_FDCWD, path, mode)),
  truncate: (path: string, length: number) =>
    call(`truncate(${quote(path)}, ${length})`, `truncate(${quote(path)}, ${length})`, (env) => env.files.truncate(path, length)),
  ftruncate: (slot: string, length: number) =>
    call(`ftruncate(${slot}, ${length})`, `ftruncate(${slotVar(slot)}, ${length})`, (env) => env.files.ftruncate(fdOf(env, slot), length)),
  chdir: (path: string) => call(`chdir(${quote(path)})`, `chdir(${quote(path)})`, (env) => env.files.chdir(path)),
  fchdir: (slot: string) => call(`fchdir(${slot})`, `fchdir(${slotVar(slot)})`, (env) => env.files.fchdir(fdOf(env, slot))),
  dup: (slot: string, into: string) => call(`dup(${slot})`, `dup(${slotVar(slot)})`, (env) => env.files.dup(fdOf(env, slot)), into),
  dup2: (slot: string, target: number, into: string) =>
    call(`dup2(${slot}, ${target})`, `dup2(${slotVar(slot)}, ${target})`, (env) => env.files.dup2(fdOf(env, slot), target), into),
  dup3: (slot: string, target: number, how: string, into: string) =>
    call(`dup3(${slot}, ${target}, ${how})`, `dup3(${slotVar(slot)}, ${target}, ${how})`, (env) => env.files.dup3(fdOf(env, slot), target, flags(how)), into),
  fcntl: (slot: string, cmd: string, arg = '0', into?: string) =>
    call(`fcntl(${slot}, ${cmd}, ${arg})`, `fcntl(${slotVar(slot)}, ${cmd}, ${arg})`, (env) => env.files.fcntl(fdOf(env, slot), flags(cmd), flags(arg)), into),
  /** mmap's checks on a descriptor: 0 when it maps, else the error. */
  mmap: (slot: string, prot: string, how: string) =>
    call(`mmap(${slot}, ${prot}, ${how})`, `(mmap(NULL, 4096, ${prot}, ${how}, ${slotVar(slot)}, 0) == MAP_FAILED ? -1 : 0)`,
      (env) => {
        const source = env.files.mmapSource(fdOf(env, slot), how.includes('MAP_SHARED'), prot.includes('PROT_WRITE'));
        return typeof source === 'number' ? source : 0;
      }),
  /** pipe2 into two slots; prints 0 and the two descriptors. */
  pipe: (how: string, readSlot: string, writeSlot: string): Op => ({
    label: `pipe2(${how})`,
    c: `r = pipe2(pfd, ${how}); if (r == 0) { ${slotVar(readSlot)} = pfd[0]; ${slotVar(writeSlot)} = pfd[1]; printf("pipe2(${how}) = %d %d\\n", pfd[0], pfd[1]); } else res("pipe2(${how})", r);`,
    run: (env) => {
      const p = env.files.pipe2(flags(how));
      if (typeof p === 'number') return `pipe2(${how}) = ${result(p)}`;
      env.slots.set(readSlot, p[0]);
      env.slots.set(writeSlot, p[1]);
      return `pipe2(${how}) = ${p[0]} ${p[1]}`;
    },
  }),
  getcwd: (): Op => ({
    label: 'getcwd()',
    c: `if (!getcwd((char *)buf, sizeof buf)) res("getcwd()", -1); else printf("getcwd() = %s\\n", strncmp((char *)buf, base, strlen(base)) ? (char *)buf : (char *)buf + strlen(base));`,
    run: (env) => {
      const buf = new Uint8Array(4096);
      const r = env.files.getcwd(buf);
      if (r < 0) return `getcwd() = ${result(r)}`;
      const path = new TextDecoder().decode(buf.subarray(0, r - 1));
      return `getcwd() = ${path.startsWith(env.base) ? path.slice(env.base.length) : path}`;
    },
  }),
  /** One getdents64 call: the byte count and the entries as name/type/reclen, sorted (orders differ by filesystem). */
  getdents: (slot: string, size = 4096): Op => ({
    label: `getdents64(${slot}, ${size})`,
    c: `r = syscall(SYS_getdents64, ${slotVar(slot)}, buf, ${size}); if (r < 0) res("getdents64(${slot}, ${size})", r); else { printf("getdents64(${slot}, ${size}) = %ld", r); dents(buf, r); }`,
    run: (env) => {
      const buf = new Uint8Array(size);
      const r = env.files.getdents64(fdOf(env, slot), buf);
      if (r < 0) return `getdents64(${slot}, ${size}) = ${result(r)}`;
      const view = new DataView(buf.buffer);
      const names: string[] = [];
      for (let at = 0; at < r; at += view.getUint16(at + 16, true)) {
        const end = buf.indexOf(0, at + 19);
        names.push(`${new TextDecoder().decode(buf.subarray(at + 19, end))}/${view.getUint8(at + 18)}/${view.getUint16(at + 16, true)}`);
      }
      return `getdents64(${slot}, ${size}) = ${r}${names.sort().map((n) => ` ${n}`).join('')}`;
    },
  }),
};

const C_PRELUDE = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char base[4096];
static unsigned char buf[8192];
static char num[32];

static void res(const char *label, long r) {
  if (r < 0) printf("%s = %s\n", label, strerrorname_np(errno));
  else printf("%s = %ld\n", label, r);
}

static void esc(const unsigned char *p, long n) {
  putchar('"');
  for (long i = 0; i < n; i++) {
    if (p[i] >= 32 && p[i] < 127 && p[i] != '"' && p[i] != '\\') putchar(p[i]);
    else printf("\\x%02x", p[i]);
  }
  printf("\"\n");
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void dents(const unsigned char *p, long n) {
  char *names[512];
  int count = 0;
  for (long at = 0; at < n; at += *(unsigned short *)(p + at + 16)) {
    names[count] = malloc(300);
    snprintf(names[count++], 300, "%s/%d/%d", (const char *)p + at + 19, p[at + 18], *(unsigned short *)(p + at + 16));
  }
  qsort(names, count, sizeof names[0], by_name);
  for (int i = 0; i < count; i++) printf(" %s", names[i]);
  putchar('\n');
}
`;

function cProgram(ops: readonly Op[]): string {
  const slots = new Set<string>();
  for (const o of ops) for (const m of o.c.matchAll(/\bs_(\w+)/g)) slots.add(m[1]!);
  const decls = [...slots].map((s) => `int s_${s} = -1;`).join(' ');
  return `${C_PRELUDE}
int main(int argc, char **argv) {
  long r; struct stat st; int pfd[2]; ${decls}
  (void)r; (void)st; (void)pfd;
  signal(SIGPIPE, SIG_IGN);
  umask(022);
  if (argc < 2 || chdir(argv[1]) != 0) return 2;
  if (geteuid() == 0 && (chown(".", 1000, 1000) != 0 || setgid(1000) != 0 || setuid(1000) != 0)) return 3;
  if (!getcwd(base, sizeof base)) return 4;
  setvbuf(stdout, NULL, _IOLBF, 0);
${ops.map((o) => `  ${o.c}`).join('\n')}
  return 0;
}
`;
}

/** Runs the sequence natively; returns its output lines. */
export function runNative(ops: readonly Op[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'grindlab-vfs-'));
  try {
    const base = join(dir, 'base');
    mkdirSync(base, { mode: 0o755 });
    execFileSync('chmod', ['755', dir]);
    writeFileSync(join(dir, 'probe.c'), cProgram(ops));
    execFileSync('gcc', ['-O0', '-w', '-o', join(dir, 'probe'), join(dir, 'probe.c')], { stdio: 'pipe' });
    return execFileSync(join(dir, 'probe'), [base], { encoding: 'utf8' }).trimEnd().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the sequence through ProcessFiles, in a fresh directory `base` of the
 * standard tree (which `prepare` may mount first); returns its lines.
 */
export function runVfs(ops: readonly Op[], base = '/home/user/base', prepare?: (guest: TestProcess) => void): string[] {
  const guest = makeProcess();
  prepare?.(guest);
  const { files } = guest;
  if (files.mkdirat(vfs.AT_FDCWD, base, 0o755) !== 0 || files.chdir(base) !== 0) throw new Error('cannot set up the VFS base');
  const env: Env = { files, slots: new Map(), base };
  return ops.map((o) => o.run(env));
}
