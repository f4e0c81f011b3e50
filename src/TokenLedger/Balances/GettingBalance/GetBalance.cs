using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using System.Security.Claims;
using TokenLedger.Access;
using TokenLedger.Infrastructure;
using TokenLedger.Plans;
using TokenLedger.Tenants;

namespace TokenLedger.Balances.GettingBalance;

public static class GetBalance
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/tenants/{tenantId}/balance", Handle).Produces<BalanceResponse>().WithTags("Balances")
            .WithSummary("The tenant's real-time balance: wallet, credits by grant and expiry, package remainders, unbilled postpaid, credit limit and headroom, plan caps");

    public static async Task<IResult> Handle(string tenantId, ClaimsPrincipal user, IQuerySession session, IClock clock, CancellationToken ct)
    {
        if (!user.MayReadTenant(tenantId)) return Problems.NotFound($"Tenant '{tenantId}' was not found");
        var tenant = await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct);
        if (tenant is null) return Problems.NotFound($"Tenant '{tenantId}' was not found");
        var account = await session.LoadAsync<TenantAccount>(tenantId, ct) ?? new TenantAccount { Id = tenantId, Currency = tenant.Currency, TimeZone = tenant.TimeZone };
        var plan = account.Subscription is { } s ? await session.LoadAsync<Plan>(PlanStreams.For(s.PlanId), ct) : null;
        return Results.Ok(BalanceResponse.From(account, tenant, clock.GetCurrentInstant(), plan));
    }
}
