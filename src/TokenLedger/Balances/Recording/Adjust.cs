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

/// <summary>A manual wallet correction, positive or negative, always with a reason and the key that made it.</summary>
[Idempotent(KeyRequired = true)]
public sealed record Adjust(decimal Amount, string? Currency, string? Reason, string? RequestId)
{
    public sealed class Validator : AbstractValidator<Adjust>
    {
        public Validator()
        {
            RuleFor(x => x.Amount).NotEqual(0).WithMessage("amount must not be 0").PrecisionScale(20, 6, true).WithMessage("amount has at most 6 decimals");
            RuleFor(x => x.Currency).Currency();
            RuleFor(x => x.Reason).RequiredReason();
            RuleFor(x => x.RequestId).OptionalRequestId();
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/adjustments", Handle).RequireAuthorization(Policies.Finance).AddEndpointFilter(OperatorActs.When<Adjust>(b => b.Amount > 0, "amount", "a positive adjustment")).WithTags("Balances")
            .WithSummary("Correct the wallet by a positive or negative amount, with a reason");

    public static Task<IResult> Handle(string tenantId, Adjust body, ClaimsPrincipal user, AccountCommands accounts, IClock clock, HttpContext http, CancellationToken ct)
    {
        var id = http.RequiredIdempotencyKey();
        return AccountEndpoint.RecordAsync(body, new Validator(), tenantId, id, body.Currency,
            now => new BalanceAdjusted(tenantId, id, body.Amount, body.Currency!, body.Reason!, now, user.KeyId()), accounts, clock, ct);
    }
}
