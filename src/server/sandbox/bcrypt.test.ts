import { describe, expect, it } from 'vitest';
import { compare, compareSync, genSalt, hash, hashSync } from './bcrypt.ts';

describe('bcrypt for learner code', () => {
  it('hashes with a given salt exactly as the reference vectors say', () => {
    // OpenBSD bcrypt test vectors.
    expect(hashSync('U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.')).toBe('$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW');
    expect(hashSync('', '$2a$06$DCq7YPn5Rq63x1Lad4cll.')).toBe('$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.');
  });

  it('genSalt gives a salt the hash starts with, and compare checks it', async () => {
    const salt = genSalt(10);
    expect(salt).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{22}$/);
    const hashed = await hash('correct horse', salt);
    expect(hashed.startsWith(salt)).toBe(true);
    expect(await compare('correct horse', hashed)).toBe(true);
    expect(compareSync('wrong horse', hashed)).toBe(false);
    expect(await hash('x', 4)).toMatch(/^\$2b\$04\$/);
  });

  it('refuses bad salts and caps the rounds', () => {
    expect(() => hashSync('x', '$2b$10$short')).toThrow(/Invalid salt/);
    expect(() => hashSync('x', 3)).toThrow(/Invalid salt rounds/);
    expect(() => hashSync('x', '$2b$14$CCCCCCCCCCCCCCCCCCCCC.')).toThrow(/above 12/);
    expect(hashSync('x', 20)).toMatch(/^\$2b\$12\$/);
  });
});
