// Discretionary access control as generic_permission does it, reduced to one user
// and one group: no supplementary groups, ACLs or capabilities beyond root's bypass.

import { isDirMode } from './mode.ts';

/** Who the guest runs as. The default is an ordinary user, uid and gid 1000. */
export interface Credentials {
  readonly uid: number;
  readonly gid: number;
}

export const DEFAULT_CREDENTIALS: Credentials = { uid: 1000, gid: 1000 };
/** Root: the owner of the system's directories, and who the kernel acts as. */
export const ROOT_CREDENTIALS: Credentials = { uid: 0, gid: 0 };

/** The access being asked for: access(2)'s R_OK, W_OK, X_OK bits. */
export const MAY_READ = 4;
export const MAY_WRITE = 2;
export const MAY_EXEC = 1;

export interface Ownership {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export function permits(file: Ownership, cred: Credentials, want: number): boolean {
  if (cred.uid === 0) {
    // Root may do anything, except execute a file no one may execute.
    return (want & MAY_EXEC) === 0 || isDirMode(file.mode) || (file.mode & 0o111) !== 0;
  }
  const shift = cred.uid === file.uid ? 6 : cred.gid === file.gid ? 3 : 0;
  return ((file.mode >>> shift) & want) === want;
}
