using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Contracts.Webhooks;
using TokenLedger.Idempotency;
using TokenLedger.Infrastructure;

namespace TokenLedger.Webhooks.Subscribing;

/// <summary>
/// Subscribe an HTTP endpoint to webhook events. A tenant or distributor key subscribes for itself; an operator key for a
/// tenant (<c>tenantId</c>), a distributor (<c>distributorId</c>) or, with neither, for the operator (every event).
/// <c>eventTypes</c> filters by type (<c>cap.reached</c>, or a prefix <c>cap.*</c>); empty or absent: all types.
/// The answer carries the signing secret (<c>whsec_…</c>), shown this once.
/// </summary>
[Idempotent]
public sealed record CreateWebhook(string? Url, IReadOnlyList<string>? EventTypes, string? TenantId, string? DistributorId, string? Description)
{
    public const int MaxEventTypes = 50;

    public sealed class Validator : AbstractValidator<CreateWebhook>
    {
        public Validator()
        {
            RuleFor(x => x.EventTypes).Must(t => t is null || t.Count <= MaxEventTypes).WithMessage($"eventTypes holds at most {MaxEventTypes} types");
            RuleForEach(x => x.EventTypes).Must(IsKnownType)
                .WithMessage(t => $"eventTypes: unknown type; known types are {string.Join(", ", WebhookEventTypes.All)} (or a prefix such as cap.*)");
            RuleFor(x => x.TenantId).Must(t => t is null || LedgerIds.IsValid(t)).WithMessage(LedgerIds.Rule("tenantId"));
            RuleFor(x => x.DistributorId).Must(d => d is null || LedgerIds.IsValid(d)).WithMessage(LedgerIds.Rule("distributorId"));
            RuleFor(x => x.DistributorId).Null().When(x => x.TenantId is not null).WithMessage("a webhook belongs to a tenant or to a distributor, not both");
            RuleFor(x => x.Description).MaximumLength(200);
        }
    }

    public static bool IsKnownType(string? type) =>
        type is not null && (WebhookEventTypes.All.Contains(type)
                             || (type.EndsWith(".*", StringComparison.Ordinal) && WebhookEventTypes.All.Any(t => t.StartsWith(type[..^1], StringComparison.Ordinal))));

    /// <summary>Whose subscription it is, from the caller's role and the body: (tenant, distributor), or the field that is refused.</summary>
    public static (string? TenantId, string? DistributorId, string? RefusedField) Owner(CreateWebhook command, ClaimsPrincipal user)
    {
        if (user.IsInRole(Roles.Operator)) return (command.TenantId, command.DistributorId, null);
        if (user.IsInRole(Roles.Tenant))
        {
            var own = user.FindFirstValue(LedgerClaims.TenantId);
            return command.DistributorId is not null ? (null, null, "distributorId")
                : command.TenantId is null || command.TenantId == own ? (own, null, null) : (null, null, "tenantId");
        }
        var mine = user.FindFirstValue(LedgerClaims.DistributorId);
        return command.TenantId is not null ? (null, null, "tenantId")
            : command.DistributorId is null || command.DistributorId == mine ? (null, mine, null) : (null, null, "distributorId");
    }

    public static WebhookSubscribed Decide(CreateWebhook command, string webhookId, string? tenantId, string? distributorId, Instant now, string actedBy) =>
        new(webhookId, tenantId, distributorId, command.Url!, (command.EventTypes ?? []).Distinct().ToList(), command.Description, now, actedBy);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks", Handle).RequireAuthorization(WebhookAccess.Policy).WithTags("Webhooks")
            .Produces<WebhookView>(StatusCodes.Status201Created)
            .WithSummary("Subscribe an endpoint to signed webhook events (Standard Webhooks); the answer shows its secret once");

    public static async Task<IResult> Handle(CreateWebhook body, ClaimsPrincipal user, IDocumentSession session, IClock clock, IOptions<WebhookOptions> options, CancellationToken ct)
    {
        var validation = new Validator().Validate(body);
        if (!validation.IsValid) return Problems.Validation(validation);
        if (WebhookUrls.Refusal(body.Url, options.Value.AllowPrivateAddresses) is { } refusal) return Problems.BadRequest("url", refusal);
        var (tenantId, distributorId, refused) = Owner(body, user);
        if (refused is not null)
            return Results.Problem($"a {refused} other than the key's own needs an operator key", statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden for this key's role", extensions: new Dictionary<string, object?> { ["field"] = refused });

        var webhookId = "wh_" + Guid.CreateVersion7().ToString("N");
        var now = clock.GetCurrentInstant();
        var secret = StandardWebhookSignature.NewSecret();
        session.Events.StartStream<WebhookSubscription>(WebhookStreams.For(webhookId), Decide(body, webhookId, tenantId, distributorId, now, user.KeyId()));
        session.Store(new WebhookSecret(webhookId, secret));
        await session.SaveChangesAsync(ct);
        var created = await session.LoadAsync<WebhookSubscription>(WebhookStreams.For(webhookId), ct);
        return Results.Created($"/api/webhooks/{webhookId}", WebhookView.From(created!, secret));
    }
}
