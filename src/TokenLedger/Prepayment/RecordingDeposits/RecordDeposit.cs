using System.Text.Json.Serialization;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Balances.Recording;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;
using TokenLedger.Prepayment.GettingPrepayment;

namespace TokenLedger.Prepayment.RecordingDeposits;

/// <summary>
/// A deposit paid upstream; <c>provider</c> omitted or empty makes it the general deposit. An unknown property (such as
/// the former <c>volumeDiscountPercent</c>, which nothing read) is a 400: no field is accepted that the ledger ignores.
/// </summary>
[Idempotent(KeyRequired = true)]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RecordDeposit(string? Provider, decimal Amount, string? Currency, Instant? PaidAt, string? Reference, string? RequestId)
{
    public sealed class Validator : AbstractValidator<RecordDeposit>
    {
        public Validator()
        {
            RuleFor(x => x.Provider).Must(p => string.IsNullOrEmpty(p) || LedgerIds.IsValid(p)).WithMessage(LedgerIds.Rule("provider"));
            RuleFor(x => x.Amount).PositiveMoney("amount");
            RuleFor(x => x.Currency).Currency();
            RuleFor(x => x.PaidAt).NotNull().WithMessage("paidAt is required (an RFC 3339 instant)");
            RuleFor(x => x.RequestId).OptionalRequestId();
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/distributors/{distributorId}/deposits", Handle).RequireAuthorization(Policies.Finance).Produces<PrepaymentView>().WithTags("Prepayment")
            .WithSummary("Record a deposit paid to an upstream provider; the wholesale cost of rated usage draws it down");

    public static async Task<IResult> Handle(string distributorId, RecordDeposit body, ClaimsPrincipal user, UpstreamCommands upstream, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (!user.MayActForDistributor(distributorId)) return Problems.NotFound($"Distributor '{distributorId}' was not found");
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        if (await upstream.RefusalAsync(distributorId, body.Currency, ct) is { } refused) return refused;
        var now = clock.GetCurrentInstant();
        if (body.PaidAt > now) return Problems.BadRequest("paidAt", "paidAt is in the future");

        var id = http.RequiredIdempotencyKey();
        var fact = new UpstreamDepositRecorded(distributorId, body.Provider ?? "", id, body.Amount, body.Currency!, body.PaidAt!.Value,
            body.Reference, null, now, user.KeyId());
        return await upstream.AppendAsync(distributorId, id, fact, ct);
    }
}
