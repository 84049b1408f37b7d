/*
 * A time limit for each SQLite statement, for learner SQL in workspace databases.
 *
 * better-sqlite3 runs a statement to its end on the calling thread, and neither it nor a worker
 * thread's terminate() can stop native code: `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1
 * FROM c) SELECT count(*) FROM c` would spin for ever, and the process could not even exit.
 * better-sqlite3 builds SQLite without the progress handler, so the limit is kept from outside:
 * a statement's start and end are seen through sqlite3_trace_v2, and one watchdog thread calls
 * sqlite3_interrupt() — the one call SQLite allows from another thread — on a statement that has
 * run past its time. The statement then fails with SQLITE_INTERRUPT.
 *
 * SQL functions are the only way in from better-sqlite3, and learner SQL could call them too, so
 * the limit is set with a key the host gives once, right after loading, that learner SQL never sees:
 *   SELECT lab_deadline_key(key)      -- the first call sets the key; later calls fail
 *   SELECT lab_deadline(key, ms)      -- each statement may run for ms (0: no limit)
 *
 * Build: cc -O2 -shared -fPIC -pthread -Wl,-z,nodelete -I<sqlite3ext.h dir> statement-deadline.c
 * (nodelete: SQLite unloads an extension with its connection, but the watchdog thread stays).
 */
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

typedef struct Deadline {
  sqlite3 *db;
  sqlite3_int64 limit_ms;              /* each statement's allowance, 0 when off */
  _Atomic sqlite3_int64 deadline_ms;   /* when the running statement must stop, 0 when none runs */
  int registered;
  char key[65];
  struct Deadline *next;
} Deadline;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static Deadline *registry = 0;
static int watching = 0;

static sqlite3_int64 now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (sqlite3_int64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connections are only interrupted under the lock, and leave the registry under it before they
   close: the watchdog never touches a closed connection. */
static void *watch(void *unused) {
  (void)unused;
  for (;;) {
    struct timespec pause = {0, 10 * 1000000};
    nanosleep(&pause, 0);
    sqlite3_int64 now = now_ms();
    pthread_mutex_lock(&registry_lock);
    for (Deadline *d = registry; d; d = d->next) {
      sqlite3_int64 at = atomic_load(&d->deadline_ms);
      if (at != 0 && now > at && atomic_compare_exchange_strong(&d->deadline_ms, &at, 0)) sqlite3_interrupt(d->db);
    }
    pthread_mutex_unlock(&registry_lock);
  }
  return 0;
}

static void unregister(Deadline *d) {
  pthread_mutex_lock(&registry_lock);
  if (d->registered) {
    for (Deadline **at = &registry; *at; at = &(*at)->next) {
      if (*at == d) {
        *at = d->next;
        break;
      }
    }
    d->registered = 0;
  }
  pthread_mutex_unlock(&registry_lock);
}

static int on_trace(unsigned type, void *data, void *p, void *x) {
  Deadline *d = (Deadline *)data;
  (void)p;
  if (type == SQLITE_TRACE_STMT) {
    /* Trigger programs report themselves as SQL comments ("-- …"): they run inside their
       statement and must not restart its clock. */
    const char *sql = (const char *)x;
    if (d->limit_ms > 0 && !(sql && sql[0] == '-' && sql[1] == '-')) atomic_store(&d->deadline_ms, now_ms() + d->limit_ms);
  } else if (type == SQLITE_TRACE_PROFILE) {
    atomic_store(&d->deadline_ms, 0);
  } else if (type == SQLITE_TRACE_CLOSE) {
    unregister(d);
  }
  return 0;
}

static void set_key(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  Deadline *d = (Deadline *)sqlite3_user_data(ctx);
  const char *text = (const char *)sqlite3_value_text(argv[0]);
  size_t length = text ? strlen(text) : 0;
  (void)argc;
  if (d->key[0] != 0 || length < 16 || length > 64) {
    sqlite3_result_error(ctx, "lab_deadline_key: not allowed", -1);
    return;
  }
  memcpy(d->key, text, length + 1);
  sqlite3_result_int(ctx, 1);
}

static void set_limit(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  Deadline *d = (Deadline *)sqlite3_user_data(ctx);
  const char *text = (const char *)sqlite3_value_text(argv[0]);
  (void)argc;
  if (d->key[0] == 0 || text == 0 || strcmp(text, d->key) != 0) {
    sqlite3_result_error(ctx, "lab_deadline: not allowed", -1);
    return;
  }
  d->limit_ms = sqlite3_value_int64(argv[1]);
  sqlite3_result_int(ctx, 1);
}

static void release(void *data) {
  Deadline *d = (Deadline *)data;
  unregister(d);
  sqlite3_free(d);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_extension_init(sqlite3 *db, char **error, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  (void)error;
  Deadline *d = (Deadline *)sqlite3_malloc(sizeof(Deadline));
  if (d == 0) return SQLITE_NOMEM;
  memset(d, 0, sizeof(Deadline));
  d->db = db;
  int rc = sqlite3_create_function_v2(db, "lab_deadline_key", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, d, set_key, 0, 0, 0);
  if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "lab_deadline", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY, d, set_limit, 0, 0, release);
  if (rc != SQLITE_OK) return rc;
  sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE | SQLITE_TRACE_CLOSE, on_trace, d);
  pthread_mutex_lock(&registry_lock);
  d->next = registry;
  registry = d;
  d->registered = 1;
  if (!watching) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    if (pthread_create(&thread, &attr, watch, 0) == 0) watching = 1;
    pthread_attr_destroy(&attr);
  }
  pthread_mutex_unlock(&registry_lock);
  return watching ? SQLITE_OK_LOAD_PERMANENTLY : SQLITE_ERROR;
}
