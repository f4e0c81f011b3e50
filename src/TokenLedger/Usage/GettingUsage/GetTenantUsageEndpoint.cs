using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using System.Text.Json.Serialization;
using Npgsql;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Tenants;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Usage.GettingUsage;

public sealed record ModelUsage(
    string Model, long Events, long InputTokens, long CachedInputTokens, long CacheWriteTokens, long OutputTokens,
    Money Charge, long UnratedEvents,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CostUnratedEvents,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Money? Cost,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Money? Margin);

/// <summary>Charges are retail and unrounded; cost (wholesale) and margin are shown to operators only.</summary>
public sealed record TenantUsageResponse(
    string TenantId, OffsetDateTime From, OffsetDateTime To, IReadOnlyList<ModelUsage> Models, Money Total,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Money? Cost,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Money? Margin);

public static class GetTenantUsageEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/tenants/{tenantId}/usage", Handle)
            .Produces<TenantUsageResponse>()
            .WithTags("Usage")
            .WithSummary("Per-model usage totals over the half-open interval [from, to); defaults to the current calendar month in the tenant's zone");

    public static async Task<IResult> Handle(
        string tenantId, string? from, string? to, ClaimsPrincipal user,
        IQuerySession session, NpgsqlDataSource db, IClock clock, CancellationToken ct)
    {
        // A distributor sees the tenants whose usage it pays for upstream, and only that usage, with cost and margin.
        var payer = user.IsInRole(Roles.Distributor) ? user.FindFirstValue(LedgerClaims.DistributorId) : null;
        var readsWholeTenant = user.MayReadTenant(tenantId);
        if (!readsWholeTenant && (payer is null || !await UsageTotals.PaysForAnyUsageOfAsync(db, payer, tenantId, ct))) return Problems.NotFound($"Tenant '{tenantId}' was not found");

        var tenant = await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct);
        var zone = tenant?.Zone ?? DateTimeZoneProviders.Tzdb[Tenant.DefaultTimeZone];
        var month = clock.GetCurrentInstant().InZone(zone).Date.ToYearMonth();

        if (!TryParse(from, "from", out var start, out var problem) || !TryParse(to, "to", out var end, out problem)) return problem!;
        var interval = new UsageInterval(
            start ?? month.OnDayOfMonth(1).AtStartOfDayInZone(zone).ToOffsetDateTime(),
            end ?? month.PlusMonths(1).OnDayOfMonth(1).AtStartOfDayInZone(zone).ToOffsetDateTime());
        if (interval.From.ToInstant() >= interval.To.ToInstant()) return Problems.BadRequest("to", "to must be later than from");

        var rows = await UsageTotals.ByModelAsync(db, tenantId, interval, readsWholeTenant ? null : payer, ct);
        var currency = tenant?.Currency ?? Tenant.DefaultCurrency;
        return Results.Ok(UsageReport.Build(tenantId, interval, rows, currency, showCost: user.IsInRole(Roles.Operator) || payer is not null));
    }

    private static bool TryParse(string? text, string name, out OffsetDateTime? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (text is null) return true;
        if (Rfc3339.TryParse(text, out var parsed))
        {
            value = parsed;
            return true;
        }
        problem = Problems.BadRequest(name, Rfc3339.Rule(name));
        return false;
    }
}

public sealed record UsageInterval(OffsetDateTime From, OffsetDateTime To);
