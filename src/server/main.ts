import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { buildStatementDeadline } from './db/statement-deadline.ts';
import { ensureWebBuild } from './web-build.ts';

/** `npm start`: read the environment, build the app, serve, and shut down cleanly on a signal. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  await ensureWebBuild((line) => process.stdout.write(line + '\n'));
  const noDeadline = buildStatementDeadline();
  if (noDeadline) process.stderr.write(`  Warning: SQL statements in workspaces have no time limit (the C extension did not build: ${noDeadline}).\n`);
  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });

  const { generatedAdminPassword, adminEmail } = app.seeded;
  if (generatedAdminPassword) {
    // Shown once, on the start that created the account; it is stored only as an argon2id hash.
    process.stdout.write(
      `\n  Admin account created: ${adminEmail}\n  Password (shown once, keep it): ${generatedAdminPassword}\n` +
        `  Set ADMIN_EMAIL and ADMIN_PASSWORD before the first start to choose them yourself.\n\n`,
    );
  }
  const where = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(`  Backend Lab is ready: http://${where}:${(app.server.address() as { port: number }).port}  (API docs at /docs)\n\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const force = setTimeout(() => {
      app.log.error('requests still running after 10 s; exiting anyway');
      process.exit(1);
    }, 10_000);
    force.unref();
    // Node closes idle keep-alive sockets once, when close() starts; sockets that finish their
    // last request later would otherwise hold the process open until their keep-alive timeout.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    sweep.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Backend Lab could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
