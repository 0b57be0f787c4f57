// What the filesystem needs from the platform. These are slices of the engine's
// Host interface (ARCHITECTURE.md, "Rules of the house"): the Host supplies objects
// of these shapes, seeded so that a run replays bit for bit.

export interface Timespec {
  sec: number;
  nsec: number;
}

/** The run's wall clock (CLOCK_REALTIME), derived from the seed, never Date.now(). */
export interface Clock {
  now(): Timespec;
}

/** The run's deterministic random bytes: /dev/urandom, /dev/random. */
export interface Random {
  fill(bytes: Uint8Array): void;
}

export type StdStream = 0 | 1 | 2;
export type OutputStream = 1 | 2;

/**
 * The terminal the guest's stdio is attached to: the page's terminal panel in the
 * browser, the process's own stdio in the CLI.
 */
export interface TerminalHost {
  /** Guest output on stdout (1) or stderr (2). */
  write(stream: OutputStream, bytes: Uint8Array): void;
  /**
   * Up to `max` bytes of input. An empty array means end of input (^D, or stdin
   * closed); `null` means nothing is available yet, and the read reports BLOCKED.
   * A host that can wait synchronously (the CLI's readSync on fd 0) never returns
   * null; the worker returns null and waits on its stdin buffer with Atomics.wait
   * before the engine retries.
   */
  read(max: number): Uint8Array | null;
  /**
   * Whether the stream is an interactive terminal. It decides what the guest sees:
   * a tty (TCGETS succeeds, st_mode S_IFCHR) or a pipe, and so whether glibc's
   * stdout is line- or fully buffered, which decides the interleaving of stdout and
   * stderr that the fidelity contract compares.
   */
  isatty(stream: StdStream): boolean;
  /** The window size TIOCGWINSZ reports. */
  windowSize(): { rows: number; cols: number };
}
