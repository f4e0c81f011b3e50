// Unit tests of how --db is read: node --test ops/bridge/ (run by the integration test
// bridging_new_api.the_bridges_pure_rules_pass_their_node_tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatabaseUrlError, parseDatabaseUrl } from './databases.mjs';

test('postgres:// and postgresql:// URLs go to PostgreSQL, the password redacted in the label', () => {
  const pg = parseDatabaseUrl('postgres://newapi:s3cret@db:5432/new-api');
  assert.equal(pg.kind, 'postgres');
  assert.equal(pg.connectionString, 'postgres://newapi:s3cret@db:5432/new-api');
  assert.ok(!pg.label.includes('s3cret'));
  assert.equal(parseDatabaseUrl('postgresql://u@h/d').kind, 'postgres');
});

test('mysql:// and mariadb:// URLs go to MySQL with the escaped parts decoded', () => {
  const my = parseDatabaseUrl('mysql://new%40api:p%2Fw@127.0.0.1:3307/new-api');
  assert.deepEqual(my.config, { host: '127.0.0.1', port: 3307, user: 'new@api', password: 'p/w', database: 'new-api' });
  assert.ok(!my.label.includes('p%2Fw'));
  assert.equal(parseDatabaseUrl('mariadb://root@db/oneapi').config.port, 3306);
  assert.throws(() => parseDatabaseUrl('mysql://root@db/'), DatabaseUrlError);
});

test("new-api's own MySQL SQL_DSN is taken as it is, a password with @ and : included", () => {
  const dsn = parseDatabaseUrl('root:p@ss:w0rd@tcp(mysql.internal:3306)/new-api?charset=utf8mb4&parseTime=true');
  assert.equal(dsn.kind, 'mysql');
  assert.deepEqual(dsn.config, { user: 'root', password: 'p@ss:w0rd', database: 'new-api', host: 'mysql.internal', port: 3306 });
  assert.equal(dsn.label, 'root:***@tcp(mysql.internal:3306)/new-api');
  assert.deepEqual(parseDatabaseUrl('oneapi@unix(/run/mysqld/mysqld.sock)/oneapi').config,
    { user: 'oneapi', password: '', database: 'oneapi', socketPath: '/run/mysqld/mysqld.sock' });
  assert.equal(parseDatabaseUrl('u:p@tcp(db)/x').config.port, 3306);
});

test('anything else is refused with the forms it takes', () => {
  assert.throws(() => parseDatabaseUrl('sqlite:///data/one-api.db'), /postgres:\/\/, mysql:\/\/ or mariadb:\/\//);
  assert.throws(() => parseDatabaseUrl('u:p@tcp(db:99999)/x'), /bad port/);
});
