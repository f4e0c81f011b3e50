using Npgsql;
using NpgsqlTypes;

namespace TokenLedger.IntegrationTests.Bridge;

/// <summary>One row of new-api's <c>logs</c> table, as new-api writes it (ids come from the table's sequence).</summary>
public sealed record NewApiLog(
    int Type, long CreatedAt, int UserId, string Username, string TokenName, int TokenId, string Group, string ModelName,
    long PromptTokens, long CompletionTokens, string? Other);

/// <summary>
/// A new-api database of its own on the test PostgreSQL server, with the <c>logs</c> table that GORM's AutoMigrate
/// creates on PostgreSQL for new-api's <c>model.Log</c> struct.
/// </summary>
public sealed class NewApiDatabase : INewApiDatabase
{
    /// <summary>
    /// The version followed: QuantumNous/new-api, <c>model/log.go</c> at commit 00423442d4ccdcc68fc962809e2623b1ee13b63e
    /// (the <c>Log</c> struct with the <c>ip</c> column and log types 0–6, consume = 2). Written by hand from the struct's
    /// fields and gorm tags, with GORM's PostgreSQL types: <c>int</c>/<c>int64</c> → bigint (the primary key <c>Id</c>
    /// → bigserial), <c>string</c> → text, <c>bool</c> → boolean; <c>default:</c> tags → DEFAULT; one index per
    /// <c>index</c> tag, composite ones by priority (equal priorities in field order). <c>ChannelName</c> is read-only
    /// (<c>-&gt;</c>) but still a column.
    /// </summary>
    public const string LogsTable = """
        CREATE TABLE "logs" (
          "id" bigserial,
          "user_id" bigint,
          "created_at" bigint,
          "type" bigint,
          "content" text,
          "username" text DEFAULT '',
          "token_name" text DEFAULT '',
          "model_name" text DEFAULT '',
          "quota" bigint DEFAULT 0,
          "prompt_tokens" bigint DEFAULT 0,
          "completion_tokens" bigint DEFAULT 0,
          "use_time" bigint DEFAULT 0,
          "is_stream" boolean,
          "channel_id" bigint,
          "channel_name" text,
          "token_id" bigint DEFAULT 0,
          "group" text,
          "ip" text DEFAULT '',
          "other" text,
          PRIMARY KEY ("id")
        );
        CREATE INDEX "idx_created_at_id" ON "logs" ("id", "created_at");
        CREATE INDEX "idx_logs_user_id" ON "logs" ("user_id");
        CREATE INDEX "idx_created_at_type" ON "logs" ("created_at", "type");
        CREATE INDEX "idx_logs_username" ON "logs" ("username");
        CREATE INDEX "index_username_model_name" ON "logs" ("model_name", "username");
        CREATE INDEX "idx_logs_token_name" ON "logs" ("token_name");
        CREATE INDEX "idx_logs_model_name" ON "logs" ("model_name");
        CREATE INDEX "idx_logs_channel_id" ON "logs" ("channel_id");
        CREATE INDEX "idx_logs_token_id" ON "logs" ("token_id");
        CREATE INDEX "idx_logs_group" ON "logs" ("group");
        CREATE INDEX "idx_logs_ip" ON "logs" ("ip");
        """;

    /// <summary>
    /// one-api's <c>logs</c> table, the same way from songquanpeng/one-api <c>model/log.go</c> at commit
    /// 2ab7d25a80e818f564a2e2622d8544564b6dff2e: no <c>token_id</c>, <c>group</c> or <c>other</c> column.
    /// </summary>
    public const string OneApiLogsTable = """
        CREATE TABLE "logs" (
          "id" bigserial,
          "user_id" bigint,
          "created_at" bigint,
          "type" bigint,
          "content" text,
          "username" text DEFAULT '',
          "token_name" text DEFAULT '',
          "model_name" text DEFAULT '',
          "quota" bigint DEFAULT 0,
          "prompt_tokens" bigint DEFAULT 0,
          "completion_tokens" bigint DEFAULT 0,
          "channel_id" bigint,
          PRIMARY KEY ("id")
        );
        CREATE INDEX "idx_logs_user_id" ON "logs" ("user_id");
        CREATE INDEX "idx_created_at_type" ON "logs" ("created_at", "type");
        CREATE INDEX "index_username_model_name" ON "logs" ("model_name", "username");
        CREATE INDEX "idx_logs_token_name" ON "logs" ("token_name");
        CREATE INDEX "idx_logs_model_name" ON "logs" ("model_name");
        CREATE INDEX "idx_logs_channel_id" ON "logs" ("channel_id");
        """;

    private readonly string _admin;

    private NewApiDatabase(string admin, string connectionString, string name)
    {
        _admin = admin;
        ConnectionString = connectionString;
        Name = name;
    }

    public string ConnectionString { get; }
    public string Name { get; }

    /// <summary>The same database as a <c>postgres://</c> URL, as new-api's SQL_DSN and the bridge's --db take it.</summary>
    public string Url
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"postgres://{Uri.EscapeDataString(b.Username ?? "postgres")}:{Uri.EscapeDataString(b.Password ?? "")}@{b.Host}:{b.Port}/{b.Database}";
        }
    }

    /// <summary>new-api's SQL_DSN for PostgreSQL is the same URL.</summary>
    public string SqlDsn => Url;

    public static async Task<NewApiDatabase> CreateAsync(string ledgerConnectionString, string table = LogsTable)
    {
        var name = $"newapi_{Guid.NewGuid():N}"[..20];
        await using (var admin = new NpgsqlConnection(ledgerConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var own = new NpgsqlConnectionStringBuilder(ledgerConnectionString) { Database = name, Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(own);
        await connection.OpenAsync();
        await using var ddl = new NpgsqlCommand(table, connection);
        await ddl.ExecuteNonQueryAsync();
        return new NewApiDatabase(ledgerConnectionString, own, name);
    }

    /// <summary>The columns both new-api's and one-api's inserts fill first, in this order.</summary>
    private static readonly string[] SharedColumns =
        ["user_id", "created_at", "type", "content", "username", "token_name", "model_name", "quota", "prompt_tokens", "completion_tokens"];

    /// <summary>Inserts the rows in order (binary COPY, as fast as new-api's own inserts come); returns the last id.</summary>
    public Task<long> InsertAsync(IReadOnlyList<NewApiLog> rows) =>
        CopyAsync(rows, "模型倍率 1.00，补全倍率 1.00，分组倍率 1.00", ["use_time", "is_stream", "channel_id", "token_id", "group", "ip", "other"], async (copy, r) =>
        {
            await copy.WriteAsync(2L, NpgsqlDbType.Bigint);
            await copy.WriteAsync(false, NpgsqlDbType.Boolean);
            await copy.WriteAsync(1L, NpgsqlDbType.Bigint);
            await copy.WriteAsync((long)r.TokenId, NpgsqlDbType.Bigint);
            await copy.WriteAsync(r.Group, NpgsqlDbType.Text);
            await copy.WriteAsync("", NpgsqlDbType.Text);
            if (r.Other is null) await copy.WriteNullAsync();
            else await copy.WriteAsync(r.Other, NpgsqlDbType.Text);
        });

    /// <summary>Inserts rows into a one-api table (only the columns one-api has); returns the last id.</summary>
    public Task<long> InsertOneApiAsync(IReadOnlyList<NewApiLog> rows) =>
        CopyAsync(rows, "模型倍率 1.00，分组倍率 1.00", ["channel_id"], (copy, _) => copy.WriteAsync(1L, NpgsqlDbType.Bigint));

    /// <summary>
    /// COPYs the rows in order: the <see cref="SharedColumns"/> (<paramref name="content"/> as the content), then the
    /// <paramref name="more"/> columns as <paramref name="writeMore"/> writes them; returns the last id.
    /// </summary>
    private async Task<long> CopyAsync(IReadOnlyList<NewApiLog> rows, string content, string[] more, Func<NpgsqlBinaryImporter, NewApiLog, Task> writeMore)
    {
        var columns = string.Join(", ", SharedColumns.Concat(more).Select(c => $"\"{c}\""));
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var copy = await connection.BeginBinaryImportAsync($"""COPY "logs" ({columns}) FROM STDIN (FORMAT BINARY)"""))
        {
            foreach (var r in rows)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync((long)r.UserId, NpgsqlDbType.Bigint);
                await copy.WriteAsync(r.CreatedAt, NpgsqlDbType.Bigint);
                await copy.WriteAsync((long)r.Type, NpgsqlDbType.Bigint);
                await copy.WriteAsync(content, NpgsqlDbType.Text);
                await copy.WriteAsync(r.Username, NpgsqlDbType.Text);
                await copy.WriteAsync(r.TokenName, NpgsqlDbType.Text);
                await copy.WriteAsync(r.ModelName, NpgsqlDbType.Text);
                await copy.WriteAsync(r.PromptTokens + r.CompletionTokens, NpgsqlDbType.Bigint);
                await copy.WriteAsync(r.PromptTokens, NpgsqlDbType.Bigint);
                await copy.WriteAsync(r.CompletionTokens, NpgsqlDbType.Bigint);
                await writeMore(copy, r);
            }
            await copy.CompleteAsync();
        }
        await using var max = new NpgsqlCommand("""SELECT max("id") FROM "logs" """, connection);
        return (long)(await max.ExecuteScalarAsync())!;
    }

    public async Task<PendingInsert> BeginInsertAsync(NewApiLog row)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand(
            """INSERT INTO "logs" ("user_id", "created_at", "type", "username", "token_name", "token_id", "group", "model_name", "prompt_tokens", "completion_tokens", "other") VALUES (@u, @c, @t, @n, @k, @ki, @g, @m, @p, @o, @x) RETURNING "id" """,
            connection, transaction);
        PendingInsert.AddValues(insert, row);
        return new PendingInsert(connection, transaction, (long)(await insert.ExecuteScalarAsync())!);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
