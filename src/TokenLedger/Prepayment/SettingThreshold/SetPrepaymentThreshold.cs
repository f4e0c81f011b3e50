using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Balances.Recording;
using TokenLedger.Infrastructure;
using TokenLedger.Prepayment.GettingPrepayment;

namespace TokenLedger.Prepayment.SettingThreshold;

/// <summary>The low-balance threshold of one prepaid balance (provider omitted or empty: the general one).</summary>
public sealed record SetPrepaymentThreshold(string? Provider, decimal Threshold, string? Currency)
{
    public sealed class Validator : AbstractValidator<SetPrepaymentThreshold>
    {
        public Validator()
        {
            RuleFor(x => x.Provider).Must(p => string.IsNullOrEmpty(p) || LedgerIds.IsValid(p)).WithMessage(LedgerIds.Rule("provider"));
            RuleFor(x => x.Threshold).GreaterThanOrEqualTo(0).WithMessage("threshold must be 0 or more");
            RuleFor(x => x.Threshold).AtMost(Bounds.MaxMoney, "threshold");
            RuleFor(x => x.Currency).Currency();
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPut("/api/distributors/{distributorId}/prepayment/threshold", Handle).Produces<PrepaymentView>().WithTags("Prepayment")
            .WithSummary("Set the low-balance threshold; crossing it sends distributor.{id}.prepayment-low on tokenledger.signals.v1");

    public static async Task<IResult> Handle(string distributorId, SetPrepaymentThreshold body, ClaimsPrincipal user, UpstreamCommands upstream, IClock clock, CancellationToken ct)
    {
        if (!user.MayActForDistributor(distributorId)) return Problems.NotFound($"Distributor '{distributorId}' was not found");
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        if (await upstream.RefusalAsync(distributorId, body.Currency, ct) is { } refused) return refused;
        var now = clock.GetCurrentInstant();
        var fact = new PrepaymentThresholdSet(distributorId, body.Provider ?? "", body.Threshold, body.Currency!, now, user.KeyId());
        return await upstream.AppendAsync(distributorId, AccountEndpoint.NewId("threshold"), fact, ct);
    }
}
