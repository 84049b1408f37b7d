import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * Timestamps are written as ISO-8601 strings; PostgreSQL hands them back as Date (timestamptz),
 * SQLite as the string. `toIso` in queries.ts evens that out.
 */
type Timestamp = ColumnType<Date | string, string, string>;
type NullableTimestamp = ColumnType<Date | string | null, string | null | undefined, string | null>;

export type Role = 'user' | 'admin';
export type CourseStatus = 'draft' | 'published';

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  /** Raised on a password change: access tokens carrying an older version stop working. */
  token_version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
}

export interface RefreshTokensTable {
  id: Generated<number>;
  user_id: number;
  /** A login starts a family; every rotation stays in it, so reuse of a spent token can revoke them all. */
  family_id: string;
  /** SHA-256 of the token: a leaked table does not leak usable tokens. */
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface CoursesTable {
  id: Generated<number>;
  title: string;
  description: string;
  price_cents: number;
  status: CourseStatus;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrdersTable {
  id: Generated<number>;
  user_id: number;
  course_id: number;
  /** The price paid, kept even if the course price changes later. */
  price_cents: number;
  created_at: Timestamp;
}

export interface MessagesTable {
  id: Generated<number>;
  from_user_id: number;
  to_user_id: number;
  body: string;
  created_at: Timestamp;
}

export interface SettingsTable {
  user_id: number;
  /** JSON text on SQLite, jsonb on PostgreSQL. */
  data: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

export interface RequestLogsTable {
  id: Generated<number>;
  request_id: string;
  method: string;
  path: string;
  route: string | null;
  status: number;
  duration_ms: number;
  user_id: number | null;
  ip: string;
  created_at: Timestamp;
}

export interface AppMetaTable {
  key: string;
  value: string;
}

export interface Database {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  courses: CoursesTable;
  orders: OrdersTable;
  messages: MessagesTable;
  settings: SettingsTable;
  request_logs: RequestLogsTable;
  app_meta: AppMetaTable;
  workspaces: WorkspacesTable;
}

export interface WorkspacesTable {
  id: string;
  key_hash: string;
  source: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type UserRow = Selectable<UsersTable>;
export type CourseRow = Selectable<CoursesTable>;
export type OrderRow = Selectable<OrdersTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewRequestLog = Insertable<RequestLogsTable>;
