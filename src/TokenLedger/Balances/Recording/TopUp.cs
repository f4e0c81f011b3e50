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

/// <summary>Money received into the prepaid wallet. It first pays off unbilled postpaid usage, the rest stays in the wallet.</summary>
[Idempotent(KeyRequired = true, NaturalKey = "reference")]
public sealed record TopUp(decimal Amount, string? Currency, string? Reference, string? RequestId)
{
    public sealed class Validator : AbstractValidator<TopUp>
    {
        public Validator()
        {
            RuleFor(x => x.Amount).PositiveMoney("amount");
            RuleFor(x => x.Currency).Currency();
            RuleFor(x => x.RequestId).OptionalRequestId();
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/top-ups", Handle).RequireAuthorization(Policies.Finance).WithTags("Balances")
            .WithSummary("Record a payment into the tenant's prepaid wallet; requestId makes a retry safe");

    public static Task<IResult> Handle(string tenantId, TopUp body, ClaimsPrincipal user, AccountCommands accounts, IClock clock, HttpContext http, CancellationToken ct)
    {
        var id = http.RequiredIdempotencyKey();
        return AccountEndpoint.RecordAsync(body, new Validator(), tenantId, id, body.Currency,
            now => new FundsToppedUp(tenantId, id, body.Amount, body.Currency!, body.Reference, now, user.KeyId()), accounts, clock, ct);
    }
}
