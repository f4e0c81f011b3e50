using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using System.Security.Claims;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Balances.Holds;

/// <summary>
/// The gateway will not use a hold. The void is a fact on the holds stream; funding releases the hold in ledger order,
/// unless usage recorded before the void already settled it. Voiding again answers the same, recording nothing.
/// </summary>
public static class VoidHold
{
    public sealed record VoidResponse(string HoldId, string RequestId, string Status);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapDelete("/api/tenants/{tenantId}/holds/{holdId}", Handle).RequireAuthorization(Policies.Ingest).WithTags("Holds")
            .Produces<VoidResponse>().WithSummary("Void a hold the gateway will not use; its funds are released unless its usage already settled it");

    public static async Task<IResult> Handle(string tenantId, string holdId, ClaimsPrincipal user, HoldDesk desk, HoldHistory history, IClock clock, CancellationToken ct)
    {
        if (!HoldReaders.MayUse(user, tenantId)) return Problems.NotFound($"Tenant '{tenantId}' was not found");
        var now = clock.GetCurrentInstant();
        var result = await desk.DecideAsync(tenantId, turn =>
        {
            if (turn.Position.Find(holdId) is not { } hold) return Task.FromResult<VoidResponse?>(null);
            if (HoldDecider.Void(turn.Position, hold, tenantId, user.KeyId(), now) is { } voided) turn.Append(voided);
            return Task.FromResult<VoidResponse?>(new VoidResponse(hold.HoldId, hold.RequestId, "voided"));
        }, ct);
        if (result is not null) return Results.Ok(result);
        var lines = await history.ReadAsync(tenantId, holdId, ct);
        return HoldHistory.Outcome(lines) switch
        {
            "settled" => Problems.Conflict($"hold {holdId} was already settled by its usage"),
            "released" => Results.Ok(new VoidResponse(holdId, lines[0].Data.GetProperty("requestId").GetString()!, "released")),
            _ => Problems.NotFound($"Hold '{holdId}' of tenant '{tenantId}' was not found"),
        };
    }
}
