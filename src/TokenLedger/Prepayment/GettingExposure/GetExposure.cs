using TokenLedger.Access;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Infrastructure;

namespace TokenLedger.Prepayment.GettingExposure;

public static class GetExposure
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/distributors/{distributorId}/exposure", Handle).Produces<ExposureReport>().WithTags("Prepayment")
            .WithSummary("Prepayment exposure as of an instant: cash paid upstream that usage consumed and customers have not paid for, by tenant and age");

    public static async Task<IResult> Handle(string distributorId, string? asOf, ClaimsPrincipal user, ExposureQuery query, IClock clock, CancellationToken ct)
    {
        if (!user.MayActForDistributor(distributorId)) return Problems.NotFound($"Distributor '{distributorId}' was not found");
        var instant = asOf is null ? clock.GetCurrentInstant() : Rfc3339.ToInstant(asOf);
        if (instant is null) return Problems.BadRequest("asOf", Rfc3339.Rule("asOf"));
        return Results.Ok(await query.ReadAsync(distributorId, instant.Value, ct));
    }
}
