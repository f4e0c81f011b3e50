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
/// A key claimed in the command's own transaction, after the command's lock: the claim, the decision's events and the
/// stored answer commit together, or nothing does. So a hot path pays one commit instead of three (claim, command,
/// answer), and no claim is ever left "in progress" by a command that died: its transaction rolls back.
/// </summary>
public static class KeysInTransaction
{
    private static string Qualified => $"{LedgerSchema.Name}.{IdempotencyRecords.TableName}";

    public static KeyedRequest KeyedRequest(this HttpContext context) =>
        context.Items[Idempotency.KeyedRequest.ItemName] as KeyedRequest
        ?? throw new InvalidOperationException("a command that claims its own key ran without it: is IdempotencyMiddleware in the pipeline?");

    /// <summary>Adds the claim and the read of the row it met to <paramref name="batch"/>; read them back with <see cref="ReadClaimAsync"/>.</summary>
    public static void AddClaim(NpgsqlBatch batch, KeyedRequest request, Instant now)
    {
        var claim = new NpgsqlBatchCommand(
            $"insert into {Qualified} (scope, key, operation, fingerprint, claimed_at) values ($1, $2, $3, $4, $5) " +
            $"on conflict (scope, key) do update set operation = $3, fingerprint = $4, claimed_at = $5 " +
            $"where {IdempotencyRecords.TableName}.completed_at is null and {IdempotencyRecords.TableName}.claimed_at < $6 returning 1");
        claim.Parameters.Add(new NpgsqlParameter { Value = request.Scope });
        claim.Parameters.Add(new NpgsqlParameter { Value = request.Key });
        claim.Parameters.Add(new NpgsqlParameter { Value = request.Operation });
        claim.Parameters.Add(new NpgsqlParameter { Value = request.Fingerprint });
        claim.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeOffset() });
        claim.Parameters.Add(new NpgsqlParameter { Value = (now - IdempotencyRecords.Lease).ToDateTimeOffset() });
        var read = new NpgsqlBatchCommand(
            $"select operation, fingerprint, completed_at is not null, status, content_type, location, body from {Qualified} where scope = $1 and key = $2");
        read.Parameters.Add(new NpgsqlParameter { Value = request.Scope });
        read.Parameters.Add(new NpgsqlParameter { Value = request.Key });
        batch.BatchCommands.Add(claim);
        batch.BatchCommands.Add(read);
    }

    /// <summary>Reads the two results <see cref="AddClaim"/> added, from the current result on; leaves the reader after them.</summary>
    public static async Task<KeyClaim> ReadClaimAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var claimed = await reader.ReadAsync(ct);
        await reader.NextResultAsync(ct);
        KeyClaim result = new KeyClaim.InProgress();
        if (claimed) result = new KeyClaim.Claimed();
        else if (await reader.ReadAsync(ct) && reader.GetBoolean(2))
            result = new KeyClaim.Completed(reader.GetString(0), reader.GetString(1), new StoredAnswer(reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), (byte[])reader.GetValue(6)));
        await reader.NextResultAsync(ct);
        return result;
    }

    /// <summary>Stores the answer with the session's next commit (the claim was made in the same transaction).</summary>
    public static void QueueCompletion(IDocumentSession session, KeyedRequest request, StoredAnswer answer, Instant now) =>
        session.QueueSqlCommand(
            $"update {Qualified} set completed_at = ?, status = ?, content_type = ?, location = ?, body = ? where scope = ? and key = ?",
            now.ToDateTimeOffset(), answer.Status, (object?)answer.ContentType ?? DBNull.Value, (object?)answer.Location ?? DBNull.Value, answer.Body,
            request.Scope, request.Key);

    /// <summary>Gives the key up with the session's next commit: only 2xx answers are kept.</summary>
    public static void QueueRelease(IDocumentSession session, KeyedRequest request) =>
        session.QueueSqlCommand($"delete from {Qualified} where scope = ? and key = ? and completed_at is null", request.Scope, request.Key);
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
