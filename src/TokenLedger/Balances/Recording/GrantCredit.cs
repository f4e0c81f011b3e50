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

/// <summary>Promotional credit: pays before the wallet, soonest expiry first (higher priority first on equal expiry), and leaves at its expiry.</summary>
[Idempotent(KeyRequired = true)]
public sealed record GrantCredit(decimal Amount, string? Currency, DateTimeOffset? ExpiresAt, int Priority, string? Reason, string? RequestId)
{
    public sealed class Validator : AbstractValidator<GrantCredit>
    {
        public Validator(Instant now)
        {
            RuleFor(x => x.Amount).PositiveMoney("amount");
            RuleFor(x => x.Currency).Currency();
            RuleFor(x => x.ExpiresAt).NotNull().WithMessage("expiresAt is required (RFC 3339 timestamp with an offset)")
                .Must(e => e is null || Instant.FromDateTimeOffset(e.Value) > now).WithMessage("expiresAt must be in the future");
            RuleFor(x => x.Reason).RequiredReason();
            RuleFor(x => x.RequestId).OptionalRequestId();
        }
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/credits", Handle).RequireAuthorization(Policies.Operator).WithTags("Balances")
            .WithSummary("Grant promotional credit with an expiry and a priority");

    public static Task<IResult> Handle(string tenantId, GrantCredit body, AccountCommands accounts, IClock clock, HttpContext http, CancellationToken ct)
    {
        var id = http.RequiredIdempotencyKey();
        return AccountEndpoint.RecordAsync(body, new Validator(clock.GetCurrentInstant()), tenantId, id, body.Currency,
            now => new CreditGranted(tenantId, id, body.Amount, body.Currency!, Instant.FromDateTimeOffset(body.ExpiresAt!.Value), body.Priority, body.Reason!, now, http.User.KeyId()), accounts, clock, ct);
    }
}
