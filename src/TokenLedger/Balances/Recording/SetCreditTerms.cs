using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using System.Security.Claims;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Balances.Recording;

/// <summary>The postpaid credit limit (null: unlimited; 0: prepaid only) and the order of prepaid sources (a permutation of packages, credits, wallet); postpaid always comes last.</summary>
public sealed record SetCreditTerms(decimal? CreditLimit, IReadOnlyList<string>? DrawdownOrder)
{
    public IReadOnlyList<string> Order => DrawdownOrder ?? FundingSources.Prepaid;

    public sealed class Validator : AbstractValidator<SetCreditTerms>
    {
        public Validator()
        {
            RuleFor(x => x.CreditLimit).GreaterThanOrEqualTo(0).When(x => x.CreditLimit is not null).WithMessage("creditLimit must be 0 or more, or null for no limit");
            RuleFor(x => x.CreditLimit).AtMost(Bounds.MaxMoney, "creditLimit");
            RuleFor(x => x.DrawdownOrder).Must(o => o is null || (o.Count == 3 && FundingSources.Prepaid.All(o.Contains)))
                .WithMessage("drawdownOrder must list packages, credits and wallet once each; postpaid always comes last");
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPut("/api/tenants/{tenantId}/credit-terms", Handle).RequireAuthorization(Policies.Finance).AddEndpointFilter(OperatorActs.CreditLimitRaise<SetCreditTerms>(b => b.CreditLimit)).WithTags("Balances")
            .WithSummary("Set the postpaid credit limit and the drawdown order of prepaid sources");

    public static Task<IResult> Handle(string tenantId, SetCreditTerms body, AccountCommands accounts, IClock clock, ClaimsPrincipal user, CancellationToken ct) =>
        AccountEndpoint.RecordAsync(body, new Validator(), tenantId, AccountEndpoint.NewId("terms"), null,
            now => new CreditTermsSet(tenantId, body.CreditLimit, [.. body.Order], now, user.KeyId()), accounts, clock, ct);
}
