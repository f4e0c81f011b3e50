using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using System.Security.Claims;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Balances.Holds;

public static class HoldReaders
{
    /// <summary>Readers of the tenant, and gateway or operator keys that may place holds for it.</summary>
    public static bool MayUse(ClaimsPrincipal user, string tenantId) =>
        user.MayReadTenant(tenantId) || (user.IsInRole(Roles.Gateway) && (GatewayScope.Of(user)?.Tenants is not { } scoped || scoped.Contains(tenantId)));
}

/// <summary>
/// A hold that still counts: <c>open</c>, <c>expired</c> (past its expiry, release pending) or <c>closing</c> (voided or
/// expired, release pending). <see cref="Source"/> is where it sat when placed; <see cref="CurrentSource"/> where its
/// claim sits now, after a credit or package under it went away (<see cref="HoldClaims.Sources"/>).
/// </summary>
public sealed record HoldLine(string HoldId, string RequestId, string Model, decimal Amount, string Source, string CurrentSource, string? PlanId, long Tokens,
    Instant PlacedAt, Instant ExpiresAt, string Status, string PlacedBy, IReadOnlyList<PackageHold>? Packages = null);

/// <summary>
/// The tenant's holds as the hold desk sees them now: funds (prepaid plus postpaid headroom; null when postpaid is
/// unlimited), money held by the holds that still count, available = funds − held, and every such hold.
/// </summary>
public sealed record HoldsResponse(string TenantId, string Currency, Instant AsOf, decimal? Funds, decimal Held, decimal? Available, bool PostpaidUnlimited,
    IReadOnlyList<HoldLine> Holds);

public sealed record HoldDetail(string HoldId, string Status, IReadOnlyList<HoldEventLine> Events);

public static class GetHolds
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/{tenantId}/holds", List).Produces<HoldsResponse>().WithTags("Holds")
            .WithSummary("Holds that still count against the tenant's funds or plan quota, with funds, held and available");
        app.MapGet("/api/tenants/{tenantId}/holds/{holdId}", One).Produces<HoldDetail>().WithTags("Holds")
            .WithSummary("One hold's ledger events: placed, voided or expired, settled or released");
    }

    public static async Task<IResult> List(string tenantId, ClaimsPrincipal user, HoldDesk desk, IClock clock, CancellationToken ct)
    {
        if (!HoldReaders.MayUse(user, tenantId) || await desk.ReadAsync(tenantId, ct) is not { } turn) return Problems.NotFound($"Tenant '{tenantId}' was not found");
        var now = clock.GetCurrentInstant();
        var position = turn.Position;
        var funds = position.Funds(now);
        var backing = HoldClaims.Back(position.Counted, position.Account.Packages, now);
        var held = backing.Sum(b => b.Money);
        var sources = HoldClaims.Sources(position.Account, backing, now);
        var lines = position.Counted.OrderBy(h => h.PlacedAt).Select(h => new HoldLine(h.HoldId, h.RequestId, h.Model, h.Amount, h.Source, sources[h.HoldId], h.PlanId, h.Tokens,
            h.PlacedAt, h.ExpiresAt, position.IsClosing(h.HoldId) ? "closing" : h.ExpiresAt <= now ? "expired" : "open", h.ActedBy, h.Packages)).ToList();
        return Results.Ok(new HoldsResponse(tenantId, turn.Tenant.Currency, now, funds, held, funds - held, funds is null, lines));
    }

    public static async Task<IResult> One(string tenantId, string holdId, ClaimsPrincipal user, HoldDesk desk, HoldHistory history, CancellationToken ct)
    {
        if (!HoldReaders.MayUse(user, tenantId)) return Problems.NotFound($"Tenant '{tenantId}' was not found");
        var lines = await history.ReadAsync(tenantId, holdId, ct);
        if (lines.Count == 0) return Problems.NotFound($"Hold '{holdId}' of tenant '{tenantId}' was not found");
        var status = HoldHistory.Outcome(lines) ?? (lines.Any(l => l.Type is "hold_voided" or "hold_expired") ? "closing" : "open");
        return Results.Ok(new HoldDetail(holdId, status, lines));
    }
}
