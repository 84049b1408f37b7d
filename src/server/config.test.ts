import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', authRateLimit: 10, rateLimit: 600, logLevel: 'info', databaseUrl: undefined, redisUrl: undefined, corsOrigins: [] });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('lists every bad value at once, by name', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT must be a whole number from 0 to 65535 (got "abc")');
    expect(problems).toContain('LOG_LEVEL must be one of');
    expect(problems).toContain('DATABASE_URL must be a postgres:// URL');
    expect(problems).toContain('JWT_SECRET must be at least 32 characters');
  });

  it('refuses REDIS_URL without a shared JWT_SECRET', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/JWT_SECRET must be set when REDIS_URL is set/);
  });

  it('parses CORS_ORIGINS and TRUST_PROXY', () => {
    const config = loadConfig({ CORS_ORIGINS: 'http://a.test, http://b.test', TRUST_PROXY: '10.0.0.0/8' });
    expect(config.corsOrigins).toEqual(['http://a.test', 'http://b.test']);
    expect(config.trustProxy).toBe('10.0.0.0/8');
  });
});
