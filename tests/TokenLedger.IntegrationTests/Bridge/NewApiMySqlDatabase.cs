using System.Diagnostics;
using System.Text;
using MySqlConnector;
using TokenLedger.Testing;

namespace TokenLedger.IntegrationTests.Bridge;

/// <summary>
/// A new-api database of its own on a real MariaDB (most new-api installs run MySQL), with the <c>logs</c> table that
/// GORM's AutoMigrate creates on MySQL for new-api's <c>model.Log</c> struct. The server is the one TOKENLEDGER_MARIADB
/// names (a mysql:// URL), else the project-owned one that <c>ops/mariadb up</c> installs and starts on demand.
/// </summary>
public sealed class NewApiMySqlDatabase : INewApiDatabase
{
    /// <summary>
    /// The version followed: QuantumNous/new-api, <c>model/log.go</c> at commit 00423442d4ccdcc68fc962809e2623b1ee13b63e
    /// (the same struct as <see cref="NewApiDatabase.LogsTable"/>), opened as new-api opens MySQL (<c>model/main.go</c>:
    /// <c>mysql.Open(dsn)</c>, no DefaultStringSize). Written by hand with the types of GORM's MySQL dialector
    /// (go-gorm/mysql <c>DataTypeOf</c>): <c>int</c>/<c>int64</c> → bigint (the primary key <c>Id</c> → bigint
    /// AUTO_INCREMENT), <c>bool</c> → boolean; a <c>string</c> without a size is varchar(191) when it has an index or
    /// a default, longtext otherwise; indexes inline, named and ordered as on PostgreSQL. The database is utf8mb4, which
    /// new-api checks for at start-up (checkMySQLChineseSupport).
    /// </summary>
    public const string LogsTable = """
        CREATE TABLE `logs` (
          `id` bigint AUTO_INCREMENT,
          `user_id` bigint,
          `created_at` bigint,
          `type` bigint,
          `content` longtext,
          `username` varchar(191) DEFAULT '',
          `token_name` varchar(191) DEFAULT '',
          `model_name` varchar(191) DEFAULT '',
          `quota` bigint DEFAULT 0,
          `prompt_tokens` bigint DEFAULT 0,
          `completion_tokens` bigint DEFAULT 0,
          `use_time` bigint DEFAULT 0,
          `is_stream` boolean,
          `channel_id` bigint,
          `channel_name` longtext,
          `token_id` bigint DEFAULT 0,
          `group` varchar(191),
          `ip` varchar(191) DEFAULT '',
          `other` longtext,
          PRIMARY KEY (`id`),
          INDEX `idx_created_at_id` (`id`, `created_at`),
          INDEX `idx_logs_user_id` (`user_id`),
          INDEX `idx_created_at_type` (`created_at`, `type`),
          INDEX `idx_logs_username` (`username`),
          INDEX `index_username_model_name` (`model_name`, `username`),
          INDEX `idx_logs_token_name` (`token_name`),
          INDEX `idx_logs_model_name` (`model_name`),
          INDEX `idx_logs_channel_id` (`channel_id`),
          INDEX `idx_logs_token_id` (`token_id`),
          INDEX `idx_logs_group` (`group`),
          INDEX `idx_logs_ip` (`ip`)
        )
        """;

    private static readonly SemaphoreSlim ServerStart = new(1, 1);
    private static Uri? _server;

    private readonly string _admin;

    private NewApiMySqlDatabase(Uri server, string admin, string name)
    {
        _admin = admin;
        Name = name;
        var user = server.UserInfo;
        var port = server.Port > 0 ? server.Port : 3306;
        Url = $"mysql://{user}@{server.Host}:{port}/{name}";
        var colon = user.IndexOf(':');
        var (login, password) = colon < 0 ? (user, "") : (user[..colon], user[(colon + 1)..]);
        SqlDsn = $"{Uri.UnescapeDataString(login)}:{Uri.UnescapeDataString(password)}@tcp({server.Host}:{port})/{name}?charset=utf8mb4&parseTime=True&loc=Local";
        ConnectionString = new MySqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    /// <summary>The database as a mysql:// URL for the bridge's --db.</summary>
    public string Url { get; }

    /// <summary>The same database as new-api's own SQL_DSN for MySQL (go-sql-driver DSN), which --db also takes.</summary>
    public string SqlDsn { get; }

    public static async Task<NewApiMySqlDatabase> CreateAsync()
    {
        var server = await ServerAsync();
        var colon = server.UserInfo.IndexOf(':');
        var admin = new MySqlConnectionStringBuilder
        {
            Server = server.Host,
            Port = (uint)(server.Port > 0 ? server.Port : 3306),
            UserID = Uri.UnescapeDataString(colon < 0 ? server.UserInfo : server.UserInfo[..colon]),
            Password = colon < 0 ? "" : Uri.UnescapeDataString(server.UserInfo[(colon + 1)..]),
            CharacterSet = "utf8mb4",
            Pooling = false,
        }.ConnectionString;
        var name = $"newapi_{Guid.NewGuid():N}"[..20];
        await using (var connection = new MySqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", connection);
            await create.ExecuteNonQueryAsync();
        }
        var database = new NewApiMySqlDatabase(server, admin, name);
        await using (var connection = new MySqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var ddl = new MySqlCommand(LogsTable, connection);
            await ddl.ExecuteNonQueryAsync();
        }
        return database;
    }

    /// <summary>Inserts the rows in order, 500 to a multi-row INSERT (ids from AUTO_INCREMENT, consecutive); returns the last id.</summary>
    public async Task<long> InsertAsync(IReadOnlyList<NewApiLog> rows)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        foreach (var chunk in rows.Chunk(500))
        {
            var sql = new StringBuilder(
                "INSERT INTO `logs` (`user_id`, `created_at`, `type`, `content`, `username`, `token_name`, `model_name`, `quota`, `prompt_tokens`, `completion_tokens`, `use_time`, `is_stream`, `channel_id`, `token_id`, `group`, `ip`, `other`) VALUES ");
            await using var insert = new MySqlCommand { Connection = connection };
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                if (i > 0) sql.Append(',');
                sql.Append($"(@u{i}, @c{i}, @t{i}, '模型倍率 1.00，补全倍率 1.00，分组倍率 1.00', @n{i}, @k{i}, @m{i}, @q{i}, @p{i}, @o{i}, 2, false, 1, @ki{i}, @g{i}, '', @x{i})");
                insert.Parameters.AddWithValue($"u{i}", (long)r.UserId);
                insert.Parameters.AddWithValue($"c{i}", r.CreatedAt);
                insert.Parameters.AddWithValue($"t{i}", (long)r.Type);
                insert.Parameters.AddWithValue($"n{i}", r.Username);
                insert.Parameters.AddWithValue($"k{i}", r.TokenName);
                insert.Parameters.AddWithValue($"m{i}", r.ModelName);
                insert.Parameters.AddWithValue($"q{i}", r.PromptTokens + r.CompletionTokens);
                insert.Parameters.AddWithValue($"p{i}", r.PromptTokens);
                insert.Parameters.AddWithValue($"o{i}", r.CompletionTokens);
                insert.Parameters.AddWithValue($"ki{i}", (long)r.TokenId);
                insert.Parameters.AddWithValue($"g{i}", r.Group);
                insert.Parameters.AddWithValue($"x{i}", (object?)r.Other ?? DBNull.Value);
            }
            insert.CommandText = sql.ToString();
            await insert.ExecuteNonQueryAsync();
        }
        await using var max = new MySqlCommand("SELECT max(`id`) FROM `logs`", connection);
        return Convert.ToInt64(await max.ExecuteScalarAsync());
    }

    public async Task<PendingInsert> BeginInsertAsync(NewApiLog row)
    {
        var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var insert = new MySqlCommand(
            "INSERT INTO `logs` (`user_id`, `created_at`, `type`, `username`, `token_name`, `token_id`, `group`, `model_name`, `prompt_tokens`, `completion_tokens`, `other`) VALUES (@u, @c, @t, @n, @k, @ki, @g, @m, @p, @o, @x)",
            connection, transaction);
        PendingInsert.AddValues(insert, row);
        await insert.ExecuteNonQueryAsync();
        return new PendingInsert(connection, transaction, insert.LastInsertedId);
    }

    /// <summary>TOKENLEDGER_MARIADB, else <c>ops/mariadb up</c> (installs mariadb-server if missing, starts it once).</summary>
    private static async Task<Uri> ServerAsync()
    {
        await ServerStart.WaitAsync();
        try
        {
            if (_server is not null) return _server;
            var url = Environment.GetEnvironmentVariable("TOKENLEDGER_MARIADB");
            if (string.IsNullOrEmpty(url))
            {
                var info = new ProcessStartInfo("/bin/bash") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true };
                info.ArgumentList.Add(Path.Combine(Repository.Root, "ops", "mariadb"));
                info.ArgumentList.Add("up");
                using var process = Process.Start(info)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
                await process.WaitForExitAsync(timeout.Token);
                if (process.ExitCode != 0) throw new InvalidOperationException($"ops/mariadb up failed ({process.ExitCode}): {await stderr}");
                url = (await stdout).Trim().Split('\n')[^1].Trim();
            }
            return _server = new Uri(url.Replace("mariadb://", "mysql://"));
        }
        finally
        {
            ServerStart.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new MySqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{Name}`", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
