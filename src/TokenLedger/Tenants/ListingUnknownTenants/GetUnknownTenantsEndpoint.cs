using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using TokenLedger.Access;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Tenants.ListingUnknownTenants;

/// <summary>Usage arrives for tenants that nobody registered yet: it is recorded, and listed here for operators.</summary>
public static class GetUnknownTenantsEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/operator/unknown-tenants", Handle).RequireAuthorization(Policies.Operator)
            .Produces<IReadOnlyList<TenantUsageSummary>>()
            .WithTags("Tenants")
            .WithSummary("Tenant ids seen in usage that are not registered (from an asynchronous projection; may lag by a moment)");

    public static async Task<IResult> Handle(IQuerySession session, NpgsqlDataSource db, CancellationToken ct)
    {
        var seen = await TenantUsageSummaries.ReadAllAsync(db, ct);
        var registered = await session.LoadManyAsync<Tenant>(ct, seen.Select(s => TenantStreams.For(s.Id)).ToArray());
        var known = registered.Select(t => t.TenantId).ToHashSet(StringComparer.Ordinal);
        return Results.Ok(seen.Where(s => !known.Contains(s.Id)).ToList());
    }
}
