using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TokenLedger.Access.WhoAmI;

/// <summary>What the calling key is: its role and the tenant or distributor it is bound to. The console signs in with it.</summary>
public sealed record Me(string KeyId, string Role, string? TenantId, string? DistributorId);

public static class GetMe
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/me", Handle).Produces<Me>().WithTags("Access").WithSummary("The calling key's role and the tenant or distributor it is bound to");

    public static IResult Handle(ClaimsPrincipal user) => Results.Ok(new Me(
        user.KeyId(),
        new[] { Roles.Operator, Roles.Finance, Roles.Distributor, Roles.Tenant, Roles.Gateway }.FirstOrDefault(user.IsInRole) ?? "unknown",
        user.FindFirstValue(LedgerClaims.TenantId), user.FindFirstValue(LedgerClaims.DistributorId)));
}
