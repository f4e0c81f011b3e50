using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using System.Security.Claims;
using TokenLedger.Access;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;

namespace TokenLedger.Balances.Recording;

/// <summary>
/// A token package: sizeTokens package tokens valid in [validFrom, validTo), optionally for some models only. weights maps the
/// token classes it covers (input, cachedInput, cacheWrite, output) to package tokens per token; omitted: all classes at 1.
/// </summary>
[Idempotent(KeyRequired = true)]
public sealed record BuyPackage(
    string? Name, decimal SizeTokens, IReadOnlyList<string>? Models, IReadOnlyDictionary<string, decimal>? Weights,
    decimal PricePaid, string? Currency, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, string? RequestId)
{
    public IReadOnlyDictionary<string, decimal> ClassWeights => Weights ?? Funding.Drawdown.TokenClasses.ToDictionary(c => c, _ => 1m);

    public sealed class Validator : AbstractValidator<BuyPackage>
    {
        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().WithMessage("name is required").MaximumLength(200);
            RuleFor(x => x.SizeTokens).GreaterThan(0).WithMessage("sizeTokens must be greater than 0");
            RuleFor(x => x.SizeTokens).AtMost(Bounds.MaxPackageTokens, "sizeTokens");
            RuleFor(x => x.PricePaid).GreaterThanOrEqualTo(0).WithMessage("pricePaid must be 0 or more");
            RuleFor(x => x.PricePaid).AtMost(Bounds.MaxMoney, "pricePaid");
            RuleFor(x => x.Currency).Currency();
            RuleFor(x => x.ValidFrom).NotNull().WithMessage("validFrom is required");
            RuleFor(x => x.ValidTo).NotNull().WithMessage("validTo is required")
                .Must((x, to) => x.ValidFrom is null || to > x.ValidFrom).WithMessage("validTo must be later than validFrom (the interval is empty)");
            RuleFor(x => x.Weights).Must(w => w is null || (w.Count > 0 && w.Keys.All(Funding.Drawdown.TokenClasses.Contains) && w.Values.All(v => v > 0)))
                .WithMessage("weights maps input, cachedInput, cacheWrite or output to a number of package tokens greater than 0");
            RuleFor(x => x.Weights).Must(w => w is null || w.Values.All(v => v <= Bounds.MaxPackageWeight))
                .WithMessage($"weights must be at most {Bounds.Text(Bounds.MaxPackageWeight)} package tokens per token");
            RuleFor(x => x.RequestId).OptionalRequestId();
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/packages", Handle).RequireAuthorization(Policies.Finance).AddEndpointFilter(OperatorActs.When<BuyPackage>(b => b.PricePaid == 0, "pricePaid", "a package given below its price (free)")).WithTags("Balances")
            .WithSummary("Record a token package bought by the tenant");

    public static Task<IResult> Handle(string tenantId, BuyPackage body, AccountCommands accounts, IClock clock, HttpContext http, CancellationToken ct)
    {
        var id = http.RequiredIdempotencyKey();
        return AccountEndpoint.RecordAsync(body, new Validator(), tenantId, id, body.Currency,
            now => new TokenPackagePurchased(tenantId, id, body.Name!, body.SizeTokens, body.Models ?? [], body.ClassWeights,
                body.PricePaid, body.Currency!, Instant.FromDateTimeOffset(body.ValidFrom!.Value), Instant.FromDateTimeOffset(body.ValidTo!.Value), now, http.User.KeyId()), accounts, clock, ct);
    }
}
