import { hash, verify } from '@node-rs/argon2';
import type { TraceRecorder } from '../../trace/recorder.ts';
import { dictionary } from '@zxcvbn-ts/language-common';
import pLimit from 'p-limit';
import { HttpProblem } from '../../errors.ts';

// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane. @node-rs/argon2 runs it on libuv's
// thread pool, so hashing never blocks the event loop.
// algorithm 2 is Argon2id (the package's Algorithm enum is a const enum, not importable here).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Refuse rather than queue without bound: a login storm must not pile up 19 MiB hashes. */
const MAX_WAITING_HASHES = 200;

export interface PasswordHasher {
  /** With a trace, the hashing is a step of it (it is most of a login's time). */
  hash(password: string, trace?: TraceRecorder): Promise<string>;
  verify(hash: string, password: string, trace?: TraceRecorder): Promise<boolean>;
  /** Takes as long as a real verify; used when the account does not exist. */
  verifyAgainstNobody(password: string, trace?: TraceRecorder): Promise<void>;
}

export async function createPasswordHasher(maxConcurrent: number): Promise<PasswordHasher> {
  const limit = pLimit(maxConcurrent);
  const run = <T>(task: () => Promise<T>): Promise<T> => {
    if (limit.pendingCount >= MAX_WAITING_HASHES) {
      throw new HttpProblem(503, 'The server is busy checking passwords; try again in a few seconds.', {
        type: 'busy',
        headers: { 'retry-after': '2' },
      });
    }
    return limit(task);
  };
  const nobodyHash = await hash('no account has this password', ARGON2);
  // Hashing is most of a login's time: the trace shows it as its own step.
  const traced = async <T>(trace: TraceRecorder | undefined, name: string, task: () => Promise<T>) => {
    const end = trace?.begin('handler', name);
    try {
      return await run(task);
    } finally {
      end?.('ok', { algorithm: 'argon2id', memoryKiB: ARGON2.memoryCost, iterations: ARGON2.timeCost });
    }
  };
  return {
    hash: (password, trace) => traced(trace, 'argon2id: hash the password', () => hash(normalize(password), ARGON2)),
    verify: (stored, password, trace) => traced(trace, 'argon2id: check the password against its hash', () => verify(stored, normalize(password))),
    verifyAgainstNobody: async (password, trace) => {
      // Same time as a real check, so a missing account cannot be told apart by timing.
      await traced(trace, 'argon2id: check the password against its hash', () => verify(nobodyHash, normalize(password)));
    },
  };
}

/** NIST SP 800-63B: normalise Unicode so the same password typed on two keyboards matches. */
const normalize = (password: string) => password.normalize('NFKC');

const COMMON_PASSWORDS = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/** Length is checked by the schema; this refuses passwords found in breach lists. */
export function isCommonPassword(password: string): boolean {
  const p = normalize(password).toLowerCase();
  if (COMMON_PASSWORDS.has(p)) return true;
  // A single character or a short pattern repeated ("aaaaaaaaaaaa", "abcabcabcabc") is as weak.
  return /^(.{1,4})\1+$/.test(p);
}
