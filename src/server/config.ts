import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';

/** Everything the server can be told from outside. Built once at start by `loadConfig`. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Unset: SQLite file in dataDir. `postgres://…`: PostgreSQL. */
  databaseUrl: string | undefined;
  /** Unset: generated once and kept in dataDir (see secrets.ts). */
  jwtSecret: string | undefined;
  adminEmail: string;
  adminPassword: string | undefined;
  /** Auth requests per minute per client. */
  authRateLimit: number;
  /** Other requests per minute per client. */
  rateLimit: number;
  /** Failed logins per account in `loginLockoutWindowMs` before the account backs off. */
  loginFailuresPerAccount: number;
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so several labs can share one Redis. */
  redisPrefix: string;
  logLevel: LogLevel;
  corsOrigins: string[];
  trustProxy: boolean | string | number;
  /** Argon2id hashes computed at once; each holds 19 MiB. */
  maxConcurrentHashes: number;
  sandbox: {
    /** Worker threads running learner code. */
    workers: number;
    /** Per-request time limit of learner code. */
    timeoutMs: number;
    /** Memory limit per workspace. */
    memoryMb: number;
    /** An unused workspace is unloaded after this long. */
    idleMs: number;
    /** New workspaces per client per hour. */
    workspacesPerHour: number;
  };
  traces: {
    /** Off: no X-Trace-Id, no journeys (for measuring what tracing costs). */
    enabled: boolean;
    /** Traces kept (the newest), in memory and in Redis. */
    max: number;
    /** A trace older than this is gone. */
    ttlMs: number;
  };
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the environment; throws ConfigError listing every bad value at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const config: Config = {
    port: read.int('PORT', 3000, 0, 65535),
    host: read.host('HOST', '127.0.0.1'),
    dataDir: path.resolve(read.string('DATA_DIR', './data')),
    databaseUrl: read.databaseUrl('DATABASE_URL'),
    jwtSecret: read.secret('JWT_SECRET', 32),
    adminEmail: read.email('ADMIN_EMAIL', 'admin@backend-lab.local'),
    adminPassword: read.optional('ADMIN_PASSWORD'),
    authRateLimit: read.int('AUTH_RATE_LIMIT', 10, 1, 1_000_000_000),
    rateLimit: read.int('RATE_LIMIT', 600, 1, 1_000_000_000),
    loginFailuresPerAccount: read.int('LOGIN_FAILURES_PER_ACCOUNT', 5, 1, 1000),
    redisUrl: read.redisUrl('REDIS_URL'),
    redisPrefix: read.string('REDIS_PREFIX', 'backend-lab:'),
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    corsOrigins: read.origins('CORS_ORIGINS'),
    trustProxy: read.trustProxy('TRUST_PROXY'),
    // Half the cores at most: a login storm must leave the event loop a core (measured on two cores:
    // four hashes at once tripled the course list's p99, one kept it within 1.5×).
    maxConcurrentHashes: read.int('MAX_CONCURRENT_HASHES', Math.max(1, Math.floor(availableParallelism() / 2)), 1, 64),
    sandbox: {
      workers: read.int('SANDBOX_WORKERS', 2, 1, 64),
      timeoutMs: read.int('SANDBOX_TIMEOUT_MS', 1000, 10, 60_000),
      memoryMb: read.int('SANDBOX_MEMORY_MB', 64, 8, 1024),
      idleMs: read.int('SANDBOX_IDLE_SECONDS', 600, 1, 86_400) * 1000,
      workspacesPerHour: read.int('WORKSPACES_PER_HOUR', 30, 1, 1_000_000_000),
    },
    traces: {
      enabled: read.oneOf('TRACES', 'on', ['on', 'off'] as const) === 'on',
      max: read.int('TRACE_LIMIT', 2000, 10, 1_000_000),
      ttlMs: read.int('TRACE_TTL_SECONDS', 900, 10, 86_400) * 1000,
    },
  };

  if (config.adminPassword !== undefined && [...config.adminPassword].length < 12) {
    problems.push('ADMIN_PASSWORD must be at least 12 characters');
  }
  if (config.redisUrl && !config.jwtSecret) {
    problems.push(
      'JWT_SECRET must be set when REDIS_URL is set: several instances must sign and verify tokens with the same secret',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.optional(name)?.trim() ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw.trim());
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.optional(name)?.trim().toLowerCase();
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  list(name: string): string[] {
    const raw = this.optional(name);
    if (raw === undefined) return [];
    return raw.split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** Browser origins: scheme, host and port, nothing else (that is what an Origin header holds). */
  origins(name: string): string[] {
    const origins = this.list(name);
    for (const origin of origins) {
      const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
      if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
        this.problems.push(`${name} must list origins such as http://localhost:5173, separated by commas (got "${origin}")`);
      }
    }
    return origins;
  }

  /** An address to listen on: an IP address or a host name (0.0.0.0 listens on every interface). */
  host(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    if (isIP(value) === 0 && !/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value)) {
      this.problems.push(`${name} must be an IP address or a host name, such as 127.0.0.1 or 0.0.0.0 (got "${value}")`);
    }
    return value;
  }

  email(name: string, fallback: string): string {
    const value = this.string(name, fallback).toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(value)) this.problems.push(`${name} must be an email address (got "${value}")`);
    return value;
  }

  secret(name: string, minLength: number): string | undefined {
    const value = this.optional(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name} must be at least ${minLength} characters; generate one with: openssl rand -base64 48`);
    }
    return value;
  }

  databaseUrl(name: string): string | undefined {
    const value = this.optional(name);
    if (value !== undefined && !/^postgres(ql)?:\/\//.test(value)) {
      this.problems.push(`${name} must be a postgres:// URL, or unset for the embedded SQLite database`);
    }
    return value;
  }

  redisUrl(name: string): string | undefined {
    const value = this.optional(name);
    if (value !== undefined && !/^rediss?:\/\//.test(value)) {
      this.problems.push(`${name} must be a redis:// or rediss:// URL (got "${value}")`);
    }
    return value;
  }

  trustProxy(name: string): boolean | string | number {
    const raw = this.optional(name)?.trim();
    if (raw === undefined || raw === 'false') return false;
    if (raw === 'true') return true;
    // Fastify takes a comma-separated list of trusted addresses/CIDRs, or a number of hops.
    if (/^\d+$/.test(raw)) return Number(raw);
    for (const entry of raw.split(',').map((e) => e.trim())) {
      const [address, bits, extra] = entry.split('/');
      const family = isIP(address ?? '');
      const maxBits = family === 6 ? 128 : 32;
      if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
        this.problems.push(`${name} must be true, false, a number of proxies, or IP addresses/CIDR ranges separated by commas (got "${entry}")`);
      }
    }
    return raw;
  }
}
