using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Tenants.RegisteringTenant;

public sealed record PutTenantRequest(string? Name, string? TimeZone, string? Currency);

public sealed record TenantResponse(string TenantId, string Name, string TimeZone, string Currency, Instant RegisteredAt)
{
    public static TenantResponse From(Tenant t) => new(t.TenantId, t.Name, t.TimeZone, t.Currency, t.RegisteredAt);
}

public static class PutTenantEndpoint
{
    public static void MapPutTenant(this IEndpointRouteBuilder app) =>
        app.MapPut("/api/tenants/{tenantId}", Handle)
            .RequireAuthorization(Policies.Operator)
            .WithTags("Tenants")
            .WithSummary("Register a tenant or change its name, billing zone (default Asia/Shanghai) or currency (default CNY)");

    public static async Task<IResult> Handle(string tenantId, PutTenantRequest body, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        var command = new PutTenant(tenantId, body.Name ?? "", body.TimeZone, body.Currency);
        var validation = new PutTenant.Validator().Validate(command);
        if (!validation.IsValid) return Problems.Validation(validation);

        var streamKey = TenantStreams.For(tenantId);
        var current = await session.LoadAsync<Tenant>(streamKey, ct);
        var events = PutTenant.Decide(current, command, clock.GetCurrentInstant());
        if (events.Length > 0)
        {
            if (current is null) session.Events.StartStream<Tenant>(streamKey, events);
            else session.Events.Append(streamKey, events);
            await session.SaveChangesAsync(ct);
        }

        var tenant = await session.LoadAsync<Tenant>(streamKey, ct);
        var response = TenantResponse.From(tenant!);
        return current is null ? Results.Created($"/api/tenants/{tenantId}", response) : Results.Ok(response);
    }
}
