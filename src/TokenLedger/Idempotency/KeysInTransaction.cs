using Marten;
using Microsoft.AspNetCore.Http;
using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Idempotency;

/// <summary>
/// The key of a request whose command claims it in its own transaction (<see cref="IdempotentAttribute.ClaimedByCommand"/>):
/// resolved and bound to the operation and body by the middleware, claimed, completed or given up by the command.
/// </summary>
public sealed record KeyedRequest(string Scope, string Key, string Operation, string Fingerprint)
{
    public const string ItemName = "TokenLedger.KeyedRequest";
}

/// <summary>
/// A key claimed in the command's own transaction, after the command's lock: the key's row, the decision's events and
/// the stored answer commit together, or nothing does. The claim is not a row of its own: the command reads the key's
/// row under its lock (<see cref="AddRead"/>) and, once it has decided, inserts the row with its answer
/// (<see cref="QueueKept"/>): one write per request instead of a claim and its completion, and no claim is ever left
/// "in progress" by a command that died (nothing of it was committed). A request that does not keep its answer writes
/// nothing. Every command that claims its keys this way holds a lock that covers the key's scope, so two of them never
/// race for one key; a request of another kind that claimed the same key (through <see cref="IdempotencyRecords"/>)
/// after the read makes the insert fail on the key's primary key (<see cref="IsTakenKey"/>), the transaction rolls
/// back and the command decides again, now seeing that claim.
/// </summary>
public static class KeysInTransaction
{
    private static string Qualified => $"{LedgerSchema.Name}.{IdempotencyRecords.TableName}";

    /// <summary>The primary key an insert of a key that another request claimed meanwhile fails on.</summary>
    public static readonly string PrimaryKey = $"pkey_{IdempotencyRecords.TableName}_scope_key";

    public static KeyedRequest KeyedRequest(this HttpContext context) =>
        context.Items[Idempotency.KeyedRequest.ItemName] as KeyedRequest
        ?? throw new InvalidOperationException("a command that claims its own key ran without it: is IdempotencyMiddleware in the pipeline?");

    /// <summary>Adds the read of the key's row to <paramref name="batch"/>; read it back with <see cref="ReadClaimAsync"/>.</summary>
    public static void AddRead(NpgsqlBatch batch, KeyedRequest request, Instant now)
    {
        var read = new NpgsqlBatchCommand(
            $"select operation, fingerprint, completed_at is not null, status, content_type, location, body, claimed_at < $3 from {Qualified} where scope = $1 and key = $2");
        read.Parameters.Add(new NpgsqlParameter { Value = request.Scope });
        read.Parameters.Add(new NpgsqlParameter { Value = request.Key });
        read.Parameters.Add(new NpgsqlParameter { Value = (now - IdempotencyRecords.Lease).ToDateTimeOffset() });
        batch.BatchCommands.Add(read);
    }

    /// <summary>
    /// Reads the result <see cref="AddRead"/> added and moves past it: <see cref="KeyClaim.Claimed"/> when the key is free
    /// (no row), <see cref="KeyClaim.Completed"/> with the kept answer, <see cref="KeyClaim.InProgress"/> while another
    /// request holds it, and <see cref="KeyClaim.Stale"/> for a claim older than <see cref="IdempotencyRecords.Lease"/>.
    /// </summary>
    public static async Task<KeyClaim> ReadClaimAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        KeyClaim result = new KeyClaim.Claimed();
        if (await reader.ReadAsync(ct))
            result = reader.GetBoolean(2)
                ? new KeyClaim.Completed(reader.GetString(0), reader.GetString(1), new StoredAnswer(reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), (byte[])reader.GetValue(6)))
                : reader.GetBoolean(7) ? new KeyClaim.Stale() : new KeyClaim.InProgress();
        await reader.NextResultAsync(ct);
        return result;
    }

    /// <summary>
    /// Takes over a stale claim (its request died) in the session's transaction, now: the row is deleted, so the answer
    /// can be inserted at commit. False when another request took it over first.
    /// </summary>
    public static async Task<bool> TakeOverAsync(IDocumentSession session, KeyedRequest request, Instant now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"delete from {Qualified} where scope = $1 and key = $2 and completed_at is null and claimed_at < $3", session.Connection);
        command.Parameters.Add(new NpgsqlParameter { Value = request.Scope });
        command.Parameters.Add(new NpgsqlParameter { Value = request.Key });
        command.Parameters.Add(new NpgsqlParameter { Value = (now - IdempotencyRecords.Lease).ToDateTimeOffset() });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Stores the key with its answer at the session's next commit (the key was read free in the same transaction).</summary>
    public static void QueueKept(IDocumentSession session, KeyedRequest request, StoredAnswer answer, Instant now) =>
        session.QueueSqlCommand(
            $"insert into {Qualified} (scope, key, operation, fingerprint, claimed_at, completed_at, status, content_type, location, body) " +
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            request.Scope, request.Key, request.Operation, request.Fingerprint, now.ToDateTimeOffset(), now.ToDateTimeOffset(), answer.Status,
            (object?)answer.ContentType ?? DBNull.Value, (object?)answer.Location ?? DBNull.Value, answer.Body);

    /// <summary>Whether <paramref name="e"/> (or an exception inside it) is the insert of a key another request claimed after it was read.</summary>
    public static bool IsTakenKey(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg && pg.ConstraintName == PrimaryKey) return true;
        return false;
    }
}

/// <summary>A kept answer as it was (status, <c>Content-Type</c>, <c>Location</c>, body); sent again with <c>Idempotent-Replayed: true</c>.</summary>
public sealed record StoredAnswerResult(StoredAnswer Answer, bool Replayed) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = Answer.Status;
        if (Answer.ContentType is not null) context.Response.ContentType = Answer.ContentType;
        if (Answer.Location is not null) context.Response.Headers.Location = Answer.Location;
        if (Replayed) context.Response.Headers[IdempotencyMiddleware.ReplayedHeader] = "true";
        await context.Response.Body.WriteAsync(Answer.Body, context.RequestAborted);
    }
}
