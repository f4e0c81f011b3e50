using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Balances;
using TokenLedger.Balances.Recording;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;

namespace TokenLedger.Plans.Subscribing;

[Idempotent]
public sealed record SubscriptionRequest(string? PlanId);

/// <summary>
/// Subscribe (POST), change plan mid-period with proration (PUT), cancel at period end (DELETE). Operator and finance
/// keys only: a tenant's own key is read-only, so a customer cannot move its own plan or restart an intro price.
/// </summary>
public static class SubscriptionEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        const string route = "/api/tenants/{tenantId}/subscription";
        app.MapPost(route, Subscribe).RequireAuthorization(Policies.Finance).WithTags("Plans").WithSummary("Subscribe the tenant to a plan from now; the first period's fee (intro price if any) is charged");
        app.MapPut(route, Change).RequireAuthorization(Policies.Finance).WithTags("Plans").WithSummary("Move the subscription to another plan now, prorated by the unused share of the period");
        app.MapDelete(route, Cancel).RequireAuthorization(Policies.Finance).WithTags("Plans").WithSummary("End the subscription at the end of the current period");
    }

    public static async Task<IResult> Subscribe(string tenantId, SubscriptionRequest body, IQuerySession session, AccountCommands accounts, IClock clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var (problem, account) = await CheckAsync(tenantId, body.PlanId, session, accounts, ct);
        if (problem is not null) return problem;
        if (account?.Subscription is { } s) return Conflict($"tenant '{tenantId}' is already subscribed to '{s.PlanId}'; use PUT to change plan");
        return await Record(tenantId, accounts, clock, now => new PlanSubscriptionRequested(tenantId, body.PlanId!, now, user.KeyId()), ct);
    }

    public static async Task<IResult> Change(string tenantId, SubscriptionRequest body, IQuerySession session, AccountCommands accounts, IClock clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var (problem, account) = await CheckAsync(tenantId, body.PlanId, session, accounts, ct);
        if (problem is not null) return problem;
        if (account?.Subscription is null) return Conflict($"tenant '{tenantId}' has no subscription; use POST to subscribe");
        if (account.Subscription.PlanId == body.PlanId) return Conflict($"tenant '{tenantId}' is already on '{body.PlanId}'");
        return await Record(tenantId, accounts, clock, now => new PlanChangeRequested(tenantId, body.PlanId!, now, user.KeyId()), ct);
    }

    public static async Task<IResult> Cancel(string tenantId, IQuerySession session, AccountCommands accounts, IClock clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await accounts.TenantAsync(tenantId, ct) is null) return Problems.NotFound($"Tenant '{tenantId}' was not found");
        var account = await accounts.DecidedAsync(tenantId, ct);
        if (account?.Subscription is null) return Conflict($"tenant '{tenantId}' has no subscription");
        return await Record(tenantId, accounts, clock, now => new PlanCancellationRequested(tenantId, now, user.KeyId()), ct);
    }

    private static async Task<(IResult?, TenantAccount?)> CheckAsync(string tenantId, string? planId, IQuerySession session, AccountCommands accounts, CancellationToken ct)
    {
        var tenant = await accounts.TenantAsync(tenantId, ct);
        if (tenant is null) return (Problems.NotFound($"Tenant '{tenantId}' was not found"), null);
        if (string.IsNullOrEmpty(planId)) return (Problems.BadRequest("planId", "planId is required"), null);
        var plan = await session.LoadAsync<Plan>(PlanStreams.For(planId), ct);
        if (plan is null) return (Problems.BadRequest("planId", $"plan '{planId}' does not exist"), null);
        if (plan.Currency != tenant.Currency) return (Problems.BadRequest("planId", $"plan '{planId}' is in {plan.Currency} but the tenant is billed in {tenant.Currency}"), null);
        return (null, await accounts.DecidedAsync(tenantId, ct));
    }

    private static Task<IResult> Record(string tenantId, AccountCommands accounts, IClock clock, Func<Instant, object> fact, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        return accounts.AppendAsync(tenantId, AccountEndpoint.NewId("plan"), fact(now),
            account => Results.Ok(new { tenantId, subscription = account.Subscription, wallet = account.Wallet, postpaidUnbilled = account.PostpaidUnbilled }), ct);
    }

    private static IResult Conflict(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}
