// The two kinds of database new-api and one-api run on in production, behind one small interface for the bridge:
// PostgreSQL (npm pg) and MySQL / MariaDB (npm mysql2). Each connection reads the same "logs" columns, in id order,
// with the same result shapes (ids and counts as JS numbers; a BIGINT beyond 2^53 stays a string, so the bridge's
// safe-integer check refuses it rather than rounding it).
//
// --db takes postgres://…, postgresql://…, mysql://… or mariadb://…, or new-api's own MySQL SQL_DSN as it is
// (user:password@tcp(host:port)/database?parseTime=true), so an operator can copy new-api's setting unchanged.

export class DatabaseUrlError extends Error {}

const GO_DSN = /^(?:(.*)@)?(tcp|unix)\(([^)]*)\)\/([^?]*)(?:\?.*)?$/su;

/** What --db names: { kind: 'postgres' | 'mysql', ... } with the driver's settings, or a DatabaseUrlError. */
export function parseDatabaseUrl(text) {
  if (/^postgres(ql)?:\/\//i.test(text)) return { kind: 'postgres', connectionString: text, label: redactUrl(text) };
  if (/^(mysql|mariadb):\/\//i.test(text)) {
    let url;
    try {
      url = new URL(text.replace(/^mariadb:/i, 'mysql:'));
    } catch {
      throw new DatabaseUrlError('--db is not a valid mysql:// URL');
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (!database) throw new DatabaseUrlError('--db must name the database: mysql://user:password@host:3306/new-api');
    return {
      kind: 'mysql',
      config: {
        host: url.hostname || '127.0.0.1',
        port: url.port ? Number(url.port) : 3306,
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database,
      },
      label: redactUrl(text),
    };
  }
  const dsn = GO_DSN.exec(text);
  if (dsn) {
    const [, credentials = '', net, address, database] = dsn;
    if (!database) throw new DatabaseUrlError('--db must name the database: user:password@tcp(host:3306)/new-api');
    const colon = credentials.indexOf(':');
    const user = colon < 0 ? credentials : credentials.slice(0, colon);
    const password = colon < 0 ? '' : credentials.slice(colon + 1);
    const config = { user, password, database };
    if (net === 'unix') {
      config.socketPath = address;
    } else {
      const at = address.lastIndexOf(':');
      config.host = (at < 0 ? address : address.slice(0, at)) || '127.0.0.1';
      config.port = at < 0 ? 3306 : Number(address.slice(at + 1));
      if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) throw new DatabaseUrlError(`--db: bad port in tcp(${address})`);
    }
    return { kind: 'mysql', config, label: `${user}${password ? ':***' : ''}@${net}(${address})/${database}` };
  }
  throw new DatabaseUrlError('--db must be a postgres://, mysql:// or mariadb:// URL, or a Go MySQL DSN (user:password@tcp(host:3306)/new-api)');
}

export function redactUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Opens the database. The returned connection has columns(table), rows(table, columns, afterId, limit), nowSeconds()
 * and end(). `columns` are the names to select, each either present in the table or null (read as null).
 */
export async function connect(target, applicationName) {
  return target.kind === 'postgres' ? connectPostgres(target, applicationName) : connectMySql(target);
}

async function connectPostgres(target, applicationName) {
  const { default: pg } = await import('pg');
  // int8 (bigint) ids and times come back as text by default; as a number when exact, else the text (refused later).
  pg.types.setTypeParser(20, (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v));
  const db = new pg.Client({ connectionString: target.connectionString, application_name: applicationName });
  await db.connect();
  const quote = (name) => `"${name}"`;
  return {
    kind: 'PostgreSQL',
    async columns(table) {
      const { rows } = await db.query(
        'select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1', [table]);
      return rows.map((r) => r.column_name);
    },
    async rows(table, columns, afterId, limit) {
      const list = columns.map(([name, present]) => (present ? quote(name) : `null as ${quote(name)}`)).join(', ');
      const { rows } = await db.query(`select ${list} from ${quote(table)} where id > $1 order by id limit $2`, [afterId, limit]);
      return rows;
    },
    async nowSeconds() {
      const { rows: [clock] } = await db.query('select extract(epoch from now())::bigint as now');
      return Number(clock.now);
    },
    end: () => db.end(),
  };
}

async function connectMySql(target) {
  const mysql = await import('mysql2/promise');
  // supportBigNumbers: BIGINT as a number when exact, else as a string; utf8mb4 as new-api requires of its database.
  const db = await mysql.createConnection({ ...target.config, supportBigNumbers: true, bigNumberStrings: false, charset: 'utf8mb4', dateStrings: true });
  const quote = (name) => `\`${name}\``;
  return {
    kind: 'MySQL',
    async columns(table) {
      const [rows] = await db.query(
        'select column_name as name from information_schema.columns where table_schema = database() and table_name = ?', [table]);
      return rows.map((r) => r.name);
    },
    async rows(table, columns, afterId, limit) {
      const list = columns.map(([name, present]) => (present ? quote(name) : `null as ${quote(name)}`)).join(', ');
      // query(), not execute(): the values are escaped into the text, which MySQL 8's LIMIT ? in prepared statements dislikes.
      const [rows] = await db.query(`select ${list} from ${quote(table)} where ${quote('id')} > ? order by ${quote('id')} limit ?`, [afterId, limit]);
      return rows;
    },
    async nowSeconds() {
      const [[clock]] = await db.query('select unix_timestamp() as now');
      return Number(clock.now);
    },
    end: () => db.end(),
  };
}
