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

/// <summary>Unrated sides of one reason; with a tenant filter, also of one tenant and model, with when they occurred.</summary>
public sealed record UnratedUsageGroup(string Side, string Reason, string? TenantId, string? Model, long Events, DateTimeOffset? FirstOccurredAt, DateTimeOffset? LastOccurredAt);

public sealed record UnratedUsagePage(int Page, int PageSize, long TotalGroups, long TotalEvents, string? TenantId, IReadOnlyList<UnratedUsageGroup> Groups);

/// <summary>Operators see what is held unrated and why, and can ask for a full rating pass.</summary>
public static class UnratedUsageEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/operator/unrated", List).RequireAuthorization(Policies.Operator)
            .Produces<UnratedUsagePage>().ProducesValidationProblem()
            .WithTags("Pricing").WithSummary("Usage held unrated: groups by side and reason (most events first), or for one tenant by side, reason and model; paged");
        app.MapPost("/api/operator/unrated/rate", RateAll).RequireAuthorization(Policies.Operator)
            .WithTags("Pricing").WithSummary("Try to rate every unrated side now (runs in the background)");
    }

    public static async Task<IResult> List(int? page, int? pageSize, string? tenant, NpgsqlDataSource db, CancellationToken ct)
    {
        if (page is < 1) return Problems.BadRequest("page", "page must be 1 or more");
        if (pageSize is < 1 or > MaxPageSize) return Problems.BadRequest("pageSize", $"pageSize must be between 1 and {MaxPageSize}");
        var (number, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        var tenantId = string.IsNullOrWhiteSpace(tenant) ? null : tenant.Trim();

        await using var command = db.CreateCommand(
            $"with g as ({(tenantId is null ? ByReason : ByTenantAndModel)}) " +
            "select *, count(*) over (), sum(events) over () from g order by events desc, side, reason, tenant_id, model limit @limit offset @offset");
        command.Parameters.AddWithValue("limit", size);
        command.Parameters.AddWithValue("offset", (long)(number - 1) * size);
        if (tenantId is not null) command.Parameters.AddWithValue("tenant", tenantId);

        var groups = new List<UnratedUsageGroup>();
        long totalGroups = 0, totalEvents = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            groups.Add(new UnratedUsageGroup(reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
            (totalGroups, totalEvents) = (reader.GetInt64(7), reader.GetInt64(8));
        }
        if (groups.Count == 0 && number > 1) (totalGroups, totalEvents) = await TotalsAsync(db, tenantId, ct);
        return Results.Ok(new UnratedUsagePage(number, size, totalGroups, totalEvents, tenantId, groups));
    }

    private static async Task<(long Groups, long Events)> TotalsAsync(NpgsqlDataSource db, string? tenantId, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"select count(*), coalesce(sum(events), 0)::bigint from ({(tenantId is null ? ByReason : ByTenantAndModel)}) g");
        if (tenantId is not null) command.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Reads only the partial indexes on each side's reason (index-only scans), not the usage itself.</summary>
    private static string ByReason => string.Join(" union all ", new[] { "retail", "wholesale" }.Select(side =>
        $"select '{side}' as side, {side}_reason as reason, null::text as tenant_id, null::text as model, count(*) as events, " +
        "null::timestamptz as first_at, null::timestamptz as last_at " +
        $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} where {side}_status = 'unrated' group by 2"));

    /// <summary>One tenant's usage (its index on usage_facts), joined to its charges.</summary>
    private static string ByTenantAndModel => string.Join(" union all ", new[] { "retail", "wholesale" }.Select(side =>
        $"select '{side}' as side, f.{side}_reason as reason, f.tenant_id, f.model, count(*) as events, min(f.occurred_at) as first_at, max(f.occurred_at) as last_at " +
        $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
        $"where f.tenant_id = @tenant and f.{side}_status = 'unrated' group by 2, 3, 4"));

    public static async Task<IResult> RateAll(IMessageBus bus)
    {
        await bus.PublishAsync(new RateUnratedUsage());
        return Results.Accepted();
    }
}
