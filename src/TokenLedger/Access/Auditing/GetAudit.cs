using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;

namespace TokenLedger.Access.Auditing;

/// <summary>One attributed fact: which key did it, when, to which stream, and what it recorded (secrets removed).</summary>
public sealed record AuditEntry(long Sequence, Instant At, string Actor, string Action, string Stream, string? TenantId, string? DistributorId, JsonElement Detail);

public sealed record AuditPage(Instant Since, Instant Until, string? Actor, string? TenantId, bool Truncated, IReadOnlyList<AuditEntry> Entries);

/// <summary>
/// Who did what, read from the events themselves (mt_events): every event whose data names its acting key
/// (issuedBy, revokedBy, recordedBy, requestedBy, adjustedBy, uploadedBy, approvedBy, setBy, actedBy), newest first.
/// </summary>
public static class GetAudit
{
    public const int MaxEntries = 1000;
    public static readonly Duration MaxRange = Duration.FromDays(92);
    private static readonly string[] ActorFields = ["issuedBy", "revokedBy", "recordedBy", "requestedBy", "adjustedBy", "uploadedBy", "approvedBy", "setBy", "actedBy"];

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit", Handle).RequireAuthorization(Policies.Finance).Produces<AuditPage>()
            .WithTags("Access").WithSummary("Who did what: attributed events in [since, until), optionally by acting key id and tenant");

    public static async Task<IResult> Handle(string? since, string? until, string? actor, string? tenant, int? limit, NpgsqlDataSource db, IClock clock, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        if (!TryInstant(until, now, out var to)) return Problems.BadRequest("until", Rfc3339.Rule("until"));
        if (!TryInstant(since, to - Duration.FromDays(1), out var from)) return Problems.BadRequest("since", Rfc3339.Rule("since"));
        if (from >= to) return Problems.BadRequest("since", "since must be earlier than until (the interval is [since, until))");
        if (to - from > MaxRange) return Problems.BadRequest("since", $"since and until may be at most {MaxRange.Days} days apart");
        if (actor is { Length: 0 or > 100 }) return Problems.BadRequest("actor", "actor is a key id (16 hex digits, or admin:<fingerprint>) of at most 100 characters");
        if (tenant is not null && !LedgerIds.IsValid(tenant)) return Problems.BadRequest("tenant", LedgerIds.Rule("tenant"));
        if (limit is < 1 or > MaxEntries) return Problems.BadRequest("limit", $"limit must be between 1 and {MaxEntries}");
        var take = limit ?? 200;

        var actorExpression = $"coalesce({string.Join(", ", ActorFields.Select(f => $"data->>'{f}'"))})";
        await using var command = db.CreateCommand(
            $"select seq_id, timestamp, actor, type, stream_id, data->>'tenantId', data->>'distributorId', (data - 'keyHash')::text from (" +
            $"select seq_id, timestamp, {actorExpression} as actor, type, stream_id, data from {LedgerSchema.Name}.mt_events " +
            "where timestamp >= @from and timestamp < @to) e " +
            "where actor is not null and (@actor::text is null or actor = @actor) and (@tenant::text is null or data->>'tenantId' = @tenant) " +
            "order by seq_id desc limit @take");
        command.Parameters.AddWithValue("from", from.ToDateTimeOffset());
        command.Parameters.AddWithValue("to", to.ToDateTimeOffset());
        command.Parameters.AddWithValue("actor", (object?)actor ?? DBNull.Value);
        command.Parameters.AddWithValue("tenant", (object?)tenant ?? DBNull.Value);
        command.Parameters.AddWithValue("take", take + 1);

        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            using var detail = JsonDocument.Parse(reader.GetString(7));
            entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetInstant(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), detail.RootElement.Clone()));
        }
        var truncated = entries.Count > take;
        return Results.Ok(new AuditPage(from, to, actor, tenant, truncated, truncated ? entries[..take] : entries));
    }

    private static bool TryInstant(string? text, Instant fallback, out Instant instant)
    {
        instant = fallback;
        if (text is null) return true;
        if (Rfc3339.ToInstant(text) is not { } parsed) return false;
        instant = parsed;
        return true;
    }
}
