using System.Diagnostics;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Parking.RetryingParked;

/// <summary>
/// Asks the subscription that parked an input to decide it again, with the inputs held behind it, in ledger order. The
/// request is a fact (<see cref="ParkedInputRetryRequested"/>) the subscription reads in ledger order, so a retry never
/// races the subscription, and the row and the decision commit together: an input is decided at most once, however
/// often it is retried. Answers 200 with the row once the subscription has taken the retry (decided, or parked again
/// with the new reason), else 202 with its Location. A decided input answers 200 and records nothing.
/// </summary>
public static class RetryParkedInput
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/operator/parked/{parkedId}/retry", Handle).RequireAuthorization(Policies.Operator)
            .Produces<ParkedInput>().Produces<ParkedInput>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).WithTags("Operator")
            .WithSummary("Decide a parked input again, then the inputs held behind it, in ledger order (at most once each)");

    public static async Task<IResult> Handle(string parkedId, ClaimsPrincipal user, IDocumentStore store, LedgerWrites writes, IClock clock, CancellationToken ct)
    {
        ParkedInput? parked;
        await using (var query = store.QuerySession()) parked = await query.LoadAsync<ParkedInput>(parkedId, ct);
        if (parked is null) return Problems.NotFound($"Parked input '{parkedId}' was not found");
        if (parked.Status == ParkedStatus.Decided) return Results.Ok(parked);
        if (parked.Status == ParkedStatus.Held)
            return Problems.Conflict($"Input '{parkedId}' is held behind parked input '{parked.HeldBehind}': retry that one, and the held inputs follow it");
        var retry = new ParkedInputRetryRequested(parked.Id, parked.Subscription, parked.AccountId, user.KeyId(), clock.GetCurrentInstant());
        await writes.DecideAsync(async (write, token) =>
        {
            var stream = ParkedStreams.For(parked.Id);
            await write.Session.AppendAtCurrentVersionAsync(stream, token, retry);
            await write.Session.SaveChangesAsync(token);
            return true;
        }, ct);
        return await TakenAsync(store, parked, ct) is { } taken ? Results.Ok(taken) : Results.Accepted($"/api/operator/parked/{parkedId}", parked);
    }

    /// <summary>The row once the subscription has taken the retry (decided, or attempted again), or null after the wait.</summary>
    private static async Task<ParkedInput?> TakenAsync(IDocumentStore store, ParkedInput before, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < Wait)
        {
            await Task.Delay(50, ct);
            await using var session = store.QuerySession();
            var now = await session.LoadAsync<ParkedInput>(before.Id, ct);
            if (now is not null && (now.Status == ParkedStatus.Decided || now.Retries > before.Retries)) return now;
        }
        return null;
    }
}
