using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Tenants;

namespace TokenLedger.Access.IssuingKeys;

/// <summary>Issues a key for a role. Tenant keys are bound to one tenant, distributor keys to one distributor.</summary>
public sealed record IssueApiKey(string Role, string? TenantId, string? DistributorId)
{
    public sealed class Validator : AbstractValidator<IssueApiKey>
    {
        public Validator()
        {
            RuleFor(x => x.Role).Must(r => Roles.All.Contains(r))
                .WithMessage($"role must be one of: {string.Join(", ", Roles.All)}");
            RuleFor(x => x.TenantId).NotEmpty().When(x => x.Role == Roles.Tenant).WithMessage("a tenant key needs a tenantId");
            RuleFor(x => x.TenantId).Empty().When(x => x.Role != Roles.Tenant).WithMessage("only tenant keys carry a tenantId");
            RuleFor(x => x.DistributorId).NotEmpty().When(x => x.Role == Roles.Distributor).WithMessage("a distributor key needs a distributorId");
        }
    }

    public static ApiKeyIssued Decide(IssueApiKey command, ApiKeySecret.Generated secret, Instant now) =>
        new(secret.KeyId, command.Role, command.TenantId, command.DistributorId, secret.Hash, now);
}

public sealed record IssueApiKeyRequest(string? Role, string? DistributorId);

/// <summary>The only time the key is ever shown.</summary>
public sealed record IssuedApiKeyResponse(string Key, string KeyId, string Role, string? TenantId, string? DistributorId);

public static class IssueApiKeyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tenants/{tenantId}/keys", IssueForTenant).RequireAuthorization(Policies.Operator)
            .WithTags("Access").WithSummary("Issue a key that can read only this tenant; the key is returned once");
        app.MapPost("/api/keys", Issue).RequireAuthorization(Policies.Operator)
            .WithTags("Access").WithSummary("Issue a gateway, finance, distributor or operator key; the key is returned once");
    }

    public static async Task<IResult> IssueForTenant(string tenantId, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        if (await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct) is null)
            return Problems.NotFound($"Tenant '{tenantId}' is not registered; PUT /api/tenants/{tenantId} first");
        return await IssueAsync(new IssueApiKey(Roles.Tenant, tenantId, null), session, clock, ct);
    }

    public static Task<IResult> Issue(IssueApiKeyRequest body, IDocumentSession session, IClock clock, CancellationToken ct) =>
        IssueAsync(new IssueApiKey(body.Role ?? "", null, body.DistributorId), session, clock, ct);

    private static async Task<IResult> IssueAsync(IssueApiKey command, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        var validation = new IssueApiKey.Validator().Validate(command);
        if (!validation.IsValid) return Problems.Validation(validation);

        var secret = ApiKeySecret.Generate();
        var issued = IssueApiKey.Decide(command, secret, clock.GetCurrentInstant());
        session.Events.StartStream<ApiKey>(ApiKeyStreams.For(issued.KeyId), issued);
        await session.SaveChangesAsync(ct);
        return Results.Created($"/api/keys/{issued.KeyId}",
            new IssuedApiKeyResponse(secret.Key, issued.KeyId, issued.Role, issued.TenantId, issued.DistributorId));
    }
}
