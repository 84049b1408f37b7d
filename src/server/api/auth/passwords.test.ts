import { describe, expect, it } from 'vitest';
import { createPasswordHasher, isCommonPassword } from './passwords.ts';

describe('passwords', () => {
  it('refuses breached and repetitive passwords, accepts unusual ones', () => {
    expect(isCommonPassword('qwerty123456')).toBe(true);
    expect(isCommonPassword('QWERTY123456')).toBe(true);
    expect(isCommonPassword('aaaaaaaaaaaa')).toBe(true);
    expect(isCommonPassword('abcabcabcabc')).toBe(true);
    expect(isCommonPassword('violet kettle under 9 bridges')).toBe(false);
  });

  it('hashes with argon2id at 19 MiB, 2 passes, and verifies NFKC-equivalent input', async () => {
    const hasher = await createPasswordHasher(2);
    const hash = await hasher.hash('ﬁve ﬁsh in a tank');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'five fish in a tank')).toBe(true);
    expect(await hasher.verify(hash, 'five fish in a tan')).toBe(false);
  });
});
