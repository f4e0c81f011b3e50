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

/// <summary>Pays wallet funds back to the customer; refused (400) when the wallet holds less.</summary>
[Idempotent(KeyRequired = true)]
public sealed record Refund(decimal Amount, string? Currency, string? Reason, string? RequestId)
{
    public sealed class Validator : AbstractValidator<Refund>
    {
        public Validator()
        {
            RuleFor(x => x.Amount).PositiveMoney("amount");
            RuleFor(x => x.Currency).Currency();
            RuleFor(x => x.Reason).RequiredReason();
            RuleFor(x => x.RequestId).OptionalRequestId();
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/refunds", Handle).RequireAuthorization(Policies.Finance).WithTags("Balances")
            .WithSummary("Refund wallet funds; refused when the wallet holds less than the amount");

    public static async Task<IResult> Handle(string tenantId, Refund body, ClaimsPrincipal user, AccountCommands accounts, IClock clock, HttpContext http, CancellationToken ct)
    {
        var current = await accounts.DecidedAsync(tenantId, ct);
        if (current is not null && body.Amount > current.Wallet)
            return Problems.BadRequest("amount", $"the wallet holds {current.Wallet} {current.Currency}; a refund cannot exceed it");
        var id = http.RequiredIdempotencyKey();
        return await AccountEndpoint.RecordAsync(body, new Validator(), tenantId, id, body.Currency,
            now => new RefundRequested(tenantId, id, body.Amount, body.Currency!, body.Reason!, now, user.KeyId()), accounts, clock, ct);
    }
}
