using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage.GettingUsage;
using Wolverine;

namespace TokenLedger.Pricing.RatingUnratedUsage;

public sealed record UnratedUsageGroup(string Side, string Reason, string TenantId, string Model, long Events, DateTimeOffset FirstOccurredAt, DateTimeOffset LastOccurredAt);

/// <summary>Operators see what is held unrated and why, and can ask for a full rating pass.</summary>
public static class UnratedUsageEndpoints
{
    public static void MapUnratedUsage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/operator/unrated", List).RequireAuthorization(Policies.Operator)
            .Produces<IReadOnlyList<UnratedUsageGroup>>()
            .WithTags("Pricing").WithSummary("Usage held unrated, grouped by side (retail/wholesale), reason, tenant and model");
        app.MapPost("/api/operator/unrated/rate", RateAll).RequireAuthorization(Policies.Operator)
            .WithTags("Pricing").WithSummary("Try to rate every unrated side now (runs in the background)");
    }

    public static async Task<IResult> List(NpgsqlDataSource db, CancellationToken ct)
    {
        var schema = LedgerSchema.Name;
        var sides = new[] { "retail", "wholesale" }.Select(side =>
            $"select '{side}', c.{side}_reason, f.tenant_id, f.model, count(*), min(f.occurred_at), max(f.occurred_at) " +
            $"from {schema}.{UsageChargesProjection.TableName} c join {schema}.{UsageFactsProjection.TableName} f using (event_id) " +
            $"where c.{side}_status = 'unrated' group by 2, 3, 4");
        await using var command = db.CreateCommand(string.Join(" union all ", sides) + " order by 1, 5 desc limit 1000");
        var groups = new List<UnratedUsageGroup>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            groups.Add(new UnratedUsageGroup(reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6)));
        return Results.Ok(groups);
    }

    public static async Task<IResult> RateAll(IMessageBus bus)
    {
        await bus.PublishAsync(new RateUnratedUsage());
        return Results.Accepted();
    }
}
