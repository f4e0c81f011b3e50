using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Plans.DefiningPlans;

public static class PutPlanEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/api/plans/{planId}", Put).RequireAuthorization(Policies.Operator).WithTags("Plans")
            .WithSummary("Define a subscription plan (monthly fee, optional intro price, covered models, caps, overage policy) or replace its terms");
        app.MapGet("/api/plans/{planId}", Get).WithTags("Plans").WithSummary("A plan's current terms");
    }

    public static async Task<IResult> Put(string planId, PutPlanBody body, LedgerWrites writes, IClock clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var command = new PutPlan(planId, body.Name, body.Currency, body.MonthlyFee, body.IntroFee, body.IntroMonths, body.Models, body.Caps, body.OveragePolicy);
        var validation = new PutPlan.Validator().Validate(command);
        if (!validation.IsValid) return Problems.Validation(validation);
        var streamKey = PlanStreams.For(planId);
        return await writes.DecideAsync(async (write, token) =>
        {
            var stream = await write.Session.Events.FetchForWriting<Plan>(streamKey, token);
            var current = stream.Aggregate;
            if (current is not null && current.Currency != command.Currency)
                return Problems.BadRequest("currency", $"plan '{planId}' is billed in {current.Currency}; a plan's currency cannot change");
            stream.AppendOne(command.ToEvent(clock.GetCurrentInstant(), user.KeyId()));
            await write.Session.SaveChangesAsync(token);
            var plan = await write.Session.LoadAsync<Plan>(streamKey, token);
            return current is null ? Results.Created($"/api/plans/{planId}", plan) : Results.Ok(plan);
        }, ct);
    }

    public static async Task<IResult> Get(string planId, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<Plan>(PlanStreams.For(planId), ct) is { } plan ? Results.Ok(plan) : Problems.NotFound($"plan '{planId}' does not exist");
}

public sealed record PutPlanBody(
    string? Name, string? Currency, decimal MonthlyFee, decimal? IntroFee, int IntroMonths,
    IReadOnlyList<string>? Models, IReadOnlyList<PutPlanCap>? Caps, string? OveragePolicy);
