/** `npm install` (postinstall) and `npm run build`: compiles the SQLite statement time limit into dist/native. */
import { buildStatementDeadline, STATEMENT_DEADLINE_LIBRARY } from '../src/server/db/statement-deadline.ts';

const failure = buildStatementDeadline();
if (failure) {
  console.warn(`\n  Could not build the SQLite statement time limit (${failure}).`);
  console.warn('  Backend Lab runs without it: an endless SQL statement in a workspace then holds a thread until the server restarts.\n');
} else {
  console.log(`  SQLite statement time limit: ${STATEMENT_DEADLINE_LIBRARY}`);
}
