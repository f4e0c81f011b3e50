using System.Security.Claims;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Balances.Recording;
using TokenLedger.Contracts.Webhooks;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;
using TokenLedger.Webhooks;
using Wolverine.Marten;

namespace TokenLedger.Balances.Holds;

/// <summary>
/// A gateway reserves funds or plan quota for one request before it calls the model. Priced from the tenant's retail
/// book now at the maximum tokens (all input uncached), unless <see cref="Amount"/> names the amount. The requestId is
/// the idempotency key and the key the usage event settles the hold by. The key's claim, the hold and the kept answer
/// are one transaction with one commit (<see cref="HoldDesk"/>), so a hold is quick enough for a gateway's request path.
/// </summary>
[Idempotent(KeyRequired = true, ClaimedByCommand = true)]
public sealed record PlaceHold(
    string? RequestId, string? Model, long? MaxInputTokens, long? MaxOutputTokens, string? PlanId, string? DistributorId, int? TtlSeconds,
    decimal? Amount)
{
    public const long MaxTokens = 1_000_000_000;

    public sealed class Validator : AbstractValidator<PlaceHold>
    {
        /// <summary>Built once: a hold is on a gateway's request path, and building the rules costs more than checking them.</summary>
        public static readonly Validator Shared = new();

        public Validator()
        {
            RuleFor(x => x.RequestId).NotEmpty().WithMessage("requestId is required")
                .MaximumLength(200).WithMessage("requestId has at most 200 characters")
                .Must(id => id is null || !id.Any(char.IsControl)).WithMessage("requestId must not contain control characters");
            RuleFor(x => x.Model).NotEmpty().WithMessage("model is required").MaximumLength(200).WithMessage("model has at most 200 characters");
            RuleFor(x => x.MaxInputTokens).NotNull().When(x => x.Amount is null).WithMessage("maxInputTokens is required unless amount is given")
                .InclusiveBetween(0, MaxTokens).WithMessage($"maxInputTokens must be 0 to {Bounds.Text(MaxTokens)}");
            RuleFor(x => x.MaxOutputTokens).NotNull().When(x => x.Amount is null).WithMessage("maxOutputTokens is required unless amount is given")
                .InclusiveBetween(0, MaxTokens).WithMessage($"maxOutputTokens must be 0 to {Bounds.Text(MaxTokens)}");
            RuleFor(x => x.TtlSeconds).InclusiveBetween(1, (int)HoldDecider.MaxTtl.TotalSeconds)
                .WithMessage($"ttlSeconds must be 1 to {(int)HoldDecider.MaxTtl.TotalSeconds}");
            RuleFor(x => x.Amount!.Value).PositiveMoney("amount").AtMost(Bounds.MaxMoney, "amount").When(x => x.Amount is not null);
            RuleFor(x => x.PlanId).Must(id => id is null || LedgerIds.IsValid(id)).WithMessage(LedgerIds.Rule("planId"));
            RuleFor(x => x.DistributorId).Must(id => id is null || LedgerIds.IsValid(id)).WithMessage(LedgerIds.Rule("distributorId"));
        }
    }

    public sealed record HoldResponse(string HoldId, string RequestId, decimal Amount, string Currency, string Source, Instant ExpiresAt);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tenants/{tenantId}/holds", Handle).RequireAuthorization(Policies.Ingest).WithTags("Holds")
            .Produces<HoldResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status402PaymentRequired)
            .WithSummary("Reserve funds or plan quota for one request before calling the model; 402 with a reason when it may not run");

    public static async Task<IResult> Handle(string tenantId, PlaceHold body, ClaimsPrincipal user, HttpContext http, HoldDesk desk, RatingCatalogSource catalogs,
        IMartenOutbox outbox, IOptions<JsonOptions> json, IClock clock, CancellationToken ct)
    {
        var validation = Validator.Shared.Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        if (GatewayScope.Of(user)?.Refusal(tenantId, body.DistributorId) is { } outside) return Problems.BadRequest(outside.Field, outside.Message);
        var key = http.KeyedRequest();
        var now = clock.GetCurrentInstant();
        var result = await desk.DecideAsync(tenantId, key, claim => IdempotencyMiddleware.Answer(claim, key.Key, key.Operation, key.Fingerprint)!, async turn =>
        {
            var amount = body.Amount;
            if (amount is null)
            {
                var catalog = await catalogs.CurrentAsync(turn.Session, turn.CatalogRevision, ct);
                var retail = catalog.Rate(new UsageRecord($"hold:{body.RequestId}", tenantId, body.Model!, now, body.MaxInputTokens!.Value, 0, 0,
                    body.MaxOutputTokens!.Value, PlanId: body.PlanId, DistributorId: body.DistributorId, RequestId: body.RequestId)).Retail;
                if (!retail.IsRated) return Problems.Unprocessable($"the hold cannot be priced: {retail.UnratedReason}; name an amount instead");
                amount = retail.Charge!.Amount;
            }
            var ask = new HoldAsk(tenantId, AccountEndpoint.NewId("hold"), body.RequestId!, body.Model!, body.MaxInputTokens ?? 0, body.MaxOutputTokens ?? 0,
                amount.Value, turn.Tenant.Currency, body.PlanId, body.DistributorId,
                body.TtlSeconds is { } ttl ? Duration.FromSeconds(ttl) : HoldDecider.DefaultTtl, user.KeyId());
            switch (HoldDecider.Place(turn.Position, ask, now))
            {
                case HoldGranted granted:
                    if (!granted.Replayed) turn.Append(granted.Hold);
                    var h = granted.Hold;
                    var answer = new StoredAnswer(StatusCodes.Status201Created, "application/json; charset=utf-8", $"/api/tenants/{tenantId}/holds/{h.HoldId}",
                        JsonSerializer.SerializeToUtf8Bytes(new HoldResponse(h.HoldId, h.RequestId, h.Amount, h.Currency, h.Source, h.ExpiresAt), json.Value.SerializerOptions));
                    turn.Keep(answer, now);
                    return new StoredAnswerResult(answer, Replayed: false);
                case HoldRefused refused:
                    // The refusal's webhook (hold.refused) commits with the decision's transaction, through the outbox.
                    outbox.Enroll(turn.Session);
                    await outbox.PublishAsync(WebhookEventRaised.HoldRefused(
                        new HoldRefusedV1(ask.HoldId, tenantId, ask.Amount, ask.Currency, refused.Reason, now.ToDateTimeOffset())));
                    return Results.Problem(refused.Detail, statusCode: StatusCodes.Status402PaymentRequired, title: "The request may not run",
                        type: $"https://tokenledger.dev/problems/{refused.Reason}", extensions: new Dictionary<string, object?> { ["reason"] = refused.Reason });
                case HoldClosed closed:
                    return Problems.Conflict($"requestId '{closed.Hold.RequestId}' belongs to hold {closed.Hold.HoldId}, which was voided or expired; use a new requestId");
                default:
                    throw new InvalidOperationException("unknown hold decision");
            }
        }, ct);
        return result ?? Problems.NotFound($"Tenant '{tenantId}' was not found");
    }
}
