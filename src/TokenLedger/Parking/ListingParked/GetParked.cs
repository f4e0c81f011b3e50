using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Parking.ListingParked;

/// <summary>Inputs a money-deciding subscription parked or held (and, with ?status=decided, those a retry decided), oldest first.</summary>
public static class GetParked
{
    public const int MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/operator/parked", List).RequireAuthorization(Policies.Operator)
            .Produces<IReadOnlyList<ParkedInput>>().ProducesValidationProblem().WithTags("Operator")
            .WithSummary("Inputs of the Funding and Prepayment subscriptions that are parked (deciding them threw) or held behind one; ?status=parked|held|decided, ?limit=1..1000 (100)");
        app.MapGet("/api/operator/parked/{parkedId}", Get).RequireAuthorization(Policies.Operator)
            .Produces<ParkedInput>().WithTags("Operator").WithSummary("One parked, held or decided input");
    }

    public static async Task<IResult> List(string? status, int? limit, IQuerySession session, CancellationToken ct)
    {
        if (status is not null and not (ParkedStatus.Parked or ParkedStatus.Held or ParkedStatus.Decided))
            return Problems.BadRequest("status", "status must be parked, held or decided");
        if (limit is < 1 or > MaxLimit) return Problems.BadRequest("limit", $"limit must be 1–{MaxLimit}");
        var query = status is null
            ? session.Query<ParkedInput>().Where(p => p.Status != ParkedStatus.Decided)
            : session.Query<ParkedInput>().Where(p => p.Status == status);
        return Results.Ok(await query.OrderBy(p => p.Sequence).Take(limit ?? 100).ToListAsync(ct));
    }

    public static async Task<IResult> Get(string parkedId, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<ParkedInput>(parkedId, ct) is { } parked ? Results.Ok(parked) : Problems.NotFound($"Parked input '{parkedId}' was not found");
}
