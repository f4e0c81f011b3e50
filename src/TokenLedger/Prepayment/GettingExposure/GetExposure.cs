using TokenLedger.Access;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using NodaTime.Text;
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
        var instant = clock.GetCurrentInstant();
        if (asOf is not null)
        {
            var parsed = InstantPattern.ExtendedIso.Parse(asOf);
            var withOffset = OffsetDateTimePattern.ExtendedIso.Parse(asOf);
            if (parsed.Success) instant = parsed.Value;
            else if (withOffset.Success) instant = withOffset.Value.ToInstant();
            else return Problems.BadRequest("asOf", $"asOf '{asOf}' is not an RFC 3339 instant such as 2026-06-30T16:00:00Z");
        }
        return Results.Ok(await query.ReadAsync(distributorId, instant, ct));
    }
}
