using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Usage.LoggingRejectedUsage;

namespace TokenLedger.Usage.GettingDeadLetters;

/// <summary>Refusals of one normalised reason (<see cref="RejectedUsageLog.ReasonKey"/>), with the newest exact reason as an example.</summary>
public sealed record DeadLetterReason(string Reason, string Field, long Count, string Example, Instant LastReceivedAt);

public sealed record DeadLetterSample(Instant ReceivedAt, string Channel, string Field, string Reason, string? EventId, int? Index, string Sample);

public sealed record DeadLetterReport(
    Instant Since, Instant Until, long Total, IReadOnlyDictionary<string, long> ByChannel,
    IReadOnlyList<DeadLetterReason> Reasons, long OtherReasons, IReadOnlyList<DeadLetterSample> Recent);

/// <summary>What was dead-lettered in [since, until): the count per channel, the top reasons, and the newest items.</summary>
public static class GetDeadLetters
{
    public const int TopReasons = 20;
    public const int RecentSamples = 20;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/operator/dead-letters", Handle).RequireAuthorization(Policies.Operator)
            .Produces<DeadLetterReport>().ProducesValidationProblem()
            .WithTags("Usage")
            .WithSummary($"Usage items refused in [since, until) (default: the last 24 hours): count per channel, the top {TopReasons} reasons, the {RecentSamples} newest items");

    public static async Task<IResult> Handle(string? since, string? until, NpgsqlDataSource db, IClock clock, CancellationToken ct)
    {
        var to = until is null ? clock.GetCurrentInstant() : Rfc3339.ToInstant(until);
        if (to is null) return Problems.BadRequest("until", Rfc3339.Rule("until"));
        var from = since is null ? to.Value - Duration.FromHours(24) : Rfc3339.ToInstant(since);
        if (from is null) return Problems.BadRequest("since", Rfc3339.Rule("since"));
        if (from >= to) return Problems.BadRequest("since", "since must be before until");
        return Results.Ok(await ReadAsync(db, from.Value, to.Value, ct));
    }

    public static async Task<DeadLetterReport> ReadAsync(NpgsqlDataSource db, Instant since, Instant until, CancellationToken ct)
    {
        var table = $"{LedgerSchema.Name}.{RejectedUsageLog.TableName}";
        const string inRange = "where received_at >= @since and received_at < @until";
        await using var batch = db.CreateBatch();
        var commands = new[]
        {
            new NpgsqlBatchCommand($"select channel, count(*) from {table} {inRange} group by channel"),
            new NpgsqlBatchCommand(
                $"select reason_key, min(field), count(*), (array_agg(reason order by received_at desc))[1], max(received_at) from {table} {inRange} " +
                $"group by reason_key order by 3 desc, 1 limit {TopReasons}"),
            new NpgsqlBatchCommand(
                $"select received_at, channel, field, reason, event_id, item_index, sample from {table} {inRange} order by received_at desc, id desc limit {RecentSamples}"),
        };
        foreach (var command in commands)
        {
            command.Parameters.AddWithValue("since", since.ToDateTimeOffset());
            command.Parameters.AddWithValue("until", until.ToDateTimeOffset());
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var byChannel = new SortedDictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) byChannel[reader.GetString(0)] = reader.GetInt64(1);
        await reader.NextResultAsync(ct);
        var reasons = new List<DeadLetterReason>();
        while (await reader.ReadAsync(ct))
            reasons.Add(new DeadLetterReason(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetInstant(4)));
        await reader.NextResultAsync(ct);
        var recent = new List<DeadLetterSample>();
        while (await reader.ReadAsync(ct))
            recent.Add(new DeadLetterSample(reader.GetInstant(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.GetString(6)));

        var total = byChannel.Values.Sum();
        return new DeadLetterReport(since, until, total, byChannel, reasons, total - reasons.Sum(r => r.Count), recent);
    }
}
