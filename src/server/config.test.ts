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

  it('names HOST, CORS_ORIGINS and TRUST_PROXY when their values cannot work', () => {
    let error: unknown;
    try {
      loadConfig({ HOST: 'no host!', CORS_ORIGINS: 'http://ok.test, not a url, http://x.test/path', TRUST_PROXY: '10.0.0.0/8, not-an-ip' });
    } catch (e) {
      error = e;
    }
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('HOST must be an IP address or a host name');
    expect(problems).toContain('CORS_ORIGINS must list origins such as http://localhost:5173, separated by commas (got "not a url")');
    expect(problems).toContain('(got "http://x.test/path")');
    expect(problems).not.toContain('"http://ok.test"');
    expect(problems).toContain('TRUST_PROXY must be true, false, a number of proxies, or IP addresses/CIDR ranges separated by commas (got "not-an-ip")');
    expect(loadConfig({ HOST: '0.0.0.0', TRUST_PROXY: '2' })).toMatchObject({ host: '0.0.0.0', trustProxy: 2 });
    expect(loadConfig({ HOST: 'lab.example.org', TRUST_PROXY: '::1, 192.168.0.0/16' })).toMatchObject({ host: 'lab.example.org' });
  });
});
