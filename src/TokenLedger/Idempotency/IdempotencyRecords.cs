using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.Idempotency;

/// <summary>An answer kept for a key: replayed as it was to a retry with the same body.</summary>
public sealed record StoredAnswer(int Status, string? ContentType, string? Location, byte[] Body);

/// <summary>The state of a key when a request claims it.</summary>
public abstract record KeyClaim
{
    public sealed record Claimed : KeyClaim;
    public sealed record InProgress : KeyClaim;
    /// <summary>Claimed longer ago than <see cref="IdempotencyRecords.Lease"/> and never completed: its request died; may be taken over.</summary>
    public sealed record Stale : KeyClaim;
    public sealed record Completed(string Operation, string Fingerprint, StoredAnswer Answer) : KeyClaim;
}

/// <summary>
/// The <c>idempotency_keys</c> table: one row per (scope, key). A row is claimed before the command runs and completed
/// with its answer after a 2xx; a failed command releases it so the request can be sent again with the same key. A
/// claim older than <see cref="Lease"/> (its process died mid-command) may be taken over: the commands themselves
/// dedupe by the same key in their own transaction, so taking over never records twice.
/// </summary>
public sealed class IdempotencyRecords(NpgsqlDataSource db)
{
    public const string TableName = "idempotency_keys";
    public static readonly Duration Lease = Duration.FromSeconds(60);
    private static string Qualified => $"{LedgerSchema.Name}.{TableName}";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("scope").AsPrimaryKey();
        table.AddColumn<string>("key").AsPrimaryKey();
        table.AddColumn<string>("operation").NotNull();
        table.AddColumn<string>("fingerprint").NotNull();
        table.AddColumn("claimed_at", "timestamptz").NotNull();
        table.AddColumn("completed_at", "timestamptz");
        table.AddColumn<int>("status");
        table.AddColumn<string>("content_type");
        table.AddColumn<string>("location");
        table.AddColumn("body", "bytea");
        table.Indexes.Add(new IndexDefinition("ix_idempotency_keys_claimed_at") { Columns = ["claimed_at"] });
        return table;
    }

    public async Task<KeyClaim> ClaimAsync(string scope, string key, string operation, string fingerprint, Instant now, CancellationToken ct)
    {
        await using var claim = db.CreateCommand(
            $"insert into {Qualified} (scope, key, operation, fingerprint, claimed_at) values (@s, @k, @o, @f, @now) " +
            $"on conflict (scope, key) do update set operation = @o, fingerprint = @f, claimed_at = @now " +
            $"where {TableName}.completed_at is null and {TableName}.claimed_at < @stale returning 1");
        Bind(claim, scope, key);
        claim.Parameters.AddWithValue("o", operation);
        claim.Parameters.AddWithValue("f", fingerprint);
        claim.Parameters.AddWithValue("now", now.ToDateTimeOffset());
        claim.Parameters.AddWithValue("stale", (now - Lease).ToDateTimeOffset());
        if (await claim.ExecuteScalarAsync(ct) is not null) return new KeyClaim.Claimed();

        await using var read = db.CreateCommand(
            $"select operation, fingerprint, completed_at is not null, status, content_type, location, body from {Qualified} where scope = @s and key = @k");
        Bind(read, scope, key);
        await using var row = await read.ExecuteReaderAsync(ct);
        if (!await row.ReadAsync(ct)) return await ClaimAsync(scope, key, operation, fingerprint, now, ct);
        if (!row.GetBoolean(2)) return new KeyClaim.InProgress();
        var answer = new StoredAnswer(row.GetInt32(3), row.IsDBNull(4) ? null : row.GetString(4), row.IsDBNull(5) ? null : row.GetString(5),
            (byte[])row.GetValue(6));
        return new KeyClaim.Completed(row.GetString(0), row.GetString(1), answer);
    }

    public async Task CompleteAsync(string scope, string key, StoredAnswer answer, Instant now, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"update {Qualified} set completed_at = @now, status = @st, content_type = @ct, location = @loc, body = @b where scope = @s and key = @k");
        Bind(command, scope, key);
        command.Parameters.AddWithValue("now", now.ToDateTimeOffset());
        command.Parameters.AddWithValue("st", answer.Status);
        command.Parameters.AddWithValue("ct", (object?)answer.ContentType ?? DBNull.Value);
        command.Parameters.AddWithValue("loc", (object?)answer.Location ?? DBNull.Value);
        command.Parameters.AddWithValue("b", answer.Body);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task ReleaseAsync(string scope, string key, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"delete from {Qualified} where scope = @s and key = @k and completed_at is null");
        Bind(command, scope, key);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes keys claimed before <paramref name="cutoff"/>, a few thousand per statement; returns how many.</summary>
    public async Task<long> PruneAsync(Instant cutoff, CancellationToken ct)
    {
        long deleted = 0;
        while (true)
        {
            await using var command = db.CreateCommand(
                $"delete from {Qualified} where ctid in (select ctid from {Qualified} where claimed_at < @cutoff limit 5000)");
            command.Parameters.AddWithValue("cutoff", cutoff.ToDateTimeOffset());
            var rows = await command.ExecuteNonQueryAsync(ct);
            deleted += rows;
            if (rows < 5000) return deleted;
        }
    }

    private static void Bind(NpgsqlCommand command, string scope, string key)
    {
        command.Parameters.AddWithValue("s", scope);
        command.Parameters.AddWithValue("k", key);
    }
}
