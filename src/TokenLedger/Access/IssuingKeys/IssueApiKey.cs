using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Tenants;

namespace TokenLedger.Access.IssuingKeys;

/// <summary>
/// Issues a key for a role. Tenant keys are bound to one tenant, distributor keys to one distributor. A gateway key may
/// carry a scope (tenants and/or a distributorId); any key may carry an expiry within <see cref="MaxLifetime"/>.
/// </summary>
public sealed record IssueApiKey(string Role, string? TenantId, string? DistributorId, Instant? ExpiresAt = null, IReadOnlyList<string>? Tenants = null)
{
    public static readonly Duration MaxLifetime = Duration.FromDays(366);
    public const int MaxScopeTenants = 1_000;

    public sealed class Validator : AbstractValidator<IssueApiKey>
    {
        public Validator(Instant now)
        {
            RuleFor(x => x.Role).Must(r => Roles.All.Contains(r))
                .WithMessage($"role must be one of: {string.Join(", ", Roles.All)}");
            RuleFor(x => x.TenantId).NotEmpty().When(x => x.Role == Roles.Tenant).WithMessage("a tenant key needs a tenantId");
            RuleFor(x => x.TenantId).Empty().When(x => x.Role != Roles.Tenant).WithMessage("only tenant keys carry a tenantId");
            RuleFor(x => x.DistributorId).NotEmpty().When(x => x.Role == Roles.Distributor).WithMessage("a distributor key needs a distributorId");
            RuleFor(x => x.DistributorId).Empty().When(x => x.Role is not (Roles.Distributor or Roles.Gateway))
                .WithMessage("only distributor and gateway keys carry a distributorId");
            RuleFor(x => x.DistributorId).Must(d => string.IsNullOrEmpty(d) || LedgerIds.IsValid(d)).WithMessage(LedgerIds.Rule("distributorId"));
            RuleFor(x => x.Tenants).Null().When(x => x.Role != Roles.Gateway).WithMessage("only gateway keys carry a tenants scope");
            RuleFor(x => x.Tenants).Must(t => t is null || t.Count is > 0 and <= MaxScopeTenants)
                .WithMessage($"tenants lists 1 to {MaxScopeTenants} tenant ids (omit it for a key not limited by tenant)");
            RuleFor(x => x.Tenants).Must(t => t is null || t.All(id => id is not null && LedgerIds.IsValid(id))).WithMessage(LedgerIds.Rule("each of tenants"));
            RuleFor(x => x.ExpiresAt).Must(e => e is null || e > now).WithMessage("expiresAt must be in the future");
            RuleFor(x => x.ExpiresAt).Must(e => e is null || e <= now + MaxLifetime)
                .WithMessage($"expiresAt must be at most {MaxLifetime.Days} days ahead; rotate the key before then");
        }
    }

    public static ApiKeyIssued Decide(IssueApiKey command, ApiKeySecret.Generated secret, string issuedBy, Instant now) =>
        new(secret.KeyId, command.Role, command.TenantId, NullIfEmpty(command.DistributorId), secret.Hash, now, issuedBy, command.ExpiresAt,
            command.Tenants?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

public sealed record IssueApiKeyRequest(string? Role, string? DistributorId, Instant? ExpiresAt = null, IReadOnlyList<string>? Tenants = null);

public sealed record IssueTenantKeyRequest(Instant? ExpiresAt = null);

/// <summary>The only time the key is ever shown.</summary>
public sealed record IssuedApiKeyResponse(
    string Key, string KeyId, string Role, string? TenantId, string? DistributorId,
    Instant? ExpiresAt = null, IReadOnlyList<string>? Tenants = null, string? IssuedBy = null);

public static class IssueApiKeyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tenants/{tenantId}/keys", IssueForTenant).RequireAuthorization(Policies.Operator)
            .WithTags("Access").WithSummary("Issue a key that can read only this tenant (optional expiresAt); the key is returned once");
        app.MapPost("/api/keys", Issue).RequireAuthorization(Policies.Operator)
            .WithTags("Access").WithSummary("Issue a gateway (optionally scoped), finance, distributor or operator key; the key is returned once");
    }

    public static async Task<IResult> IssueForTenant(
        string tenantId, IssueTenantKeyRequest? body, ClaimsPrincipal user, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        if (await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct) is null)
            return Problems.NotFound($"Tenant '{tenantId}' is not registered; PUT /api/tenants/{tenantId} first");
        return await IssueAsync(new IssueApiKey(Roles.Tenant, tenantId, null, body?.ExpiresAt), user, session, clock, ct);
    }

    public static Task<IResult> Issue(IssueApiKeyRequest body, ClaimsPrincipal user, IDocumentSession session, IClock clock, CancellationToken ct) =>
        IssueAsync(new IssueApiKey(body.Role ?? "", null, body.DistributorId, body.ExpiresAt, body.Tenants), user, session, clock, ct);

    private static async Task<IResult> IssueAsync(IssueApiKey command, ClaimsPrincipal user, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var validation = new IssueApiKey.Validator(now).Validate(command);
        if (!validation.IsValid) return Problems.Validation(validation);

        var secret = ApiKeySecret.Generate();
        var issued = IssueApiKey.Decide(command, secret, user.KeyId(), now);
        session.Events.StartStream<ApiKey>(ApiKeyStreams.For(issued.KeyId), issued);
        await session.SaveChangesAsync(ct);
        return Results.Created($"/api/keys/{issued.KeyId}", new IssuedApiKeyResponse(
            secret.Key, issued.KeyId, issued.Role, issued.TenantId, issued.DistributorId, issued.ExpiresAt, issued.ScopeTenants, issued.IssuedBy));
    }
}
