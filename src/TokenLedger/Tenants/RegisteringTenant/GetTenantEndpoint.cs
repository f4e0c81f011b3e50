using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Access;
using TokenLedger.Infrastructure;

namespace TokenLedger.Tenants.RegisteringTenant;

public static class GetTenantEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/tenants/{tenantId}", Handle).WithTags("Tenants").WithSummary("Read a tenant's profile");

    public static async Task<IResult> Handle(string tenantId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var tenant = user.MayReadTenant(tenantId) ? await session.LoadAsync<Tenant>(TenantStreams.For(tenantId), ct) : null;
        return tenant is null ? Problems.NotFound($"Tenant '{tenantId}' was not found") : Results.Ok(TenantResponse.From(tenant));
    }
}
