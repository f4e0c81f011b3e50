using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http;
using TokenLedger.Balances;

namespace TokenLedger.Access;

/// <summary>
/// Acts that create value for a tenant out of nothing, so only an operator key may do them (README: role table):
/// granting credit, a positive adjustment, a free package, raising a credit limit. Finance records money that moved.
/// </summary>
public static class OperatorActs
{
    /// <summary>403 with a ProblemDetails that names the field which made the request an operator act.</summary>
    public static IResult Refused(string field, string act) => Results.Problem(
        $"{act} is an operator act; a {field} like this needs an operator key", statusCode: StatusCodes.Status403Forbidden,
        title: "Forbidden for this key's role", extensions: new Dictionary<string, object?> { ["field"] = field });

    public static bool IsOperator(this ClaimsPrincipal user) => user.IsInRole(Roles.Operator);

    /// <summary>Whether <paramref name="requested"/> allows more postpaid credit than <paramref name="current"/> (null: no limit).</summary>
    public static bool RaisesCreditLimit(decimal? current, decimal? requested) =>
        current is { } limit && (requested is null || requested > limit);

    /// <summary>Null when the caller may set this limit; otherwise the 403 for a non-operator raising it.</summary>
    public static async Task<IResult?> RefuseCreditLimitRaiseAsync(ClaimsPrincipal user, IQuerySession session, string tenantId, decimal? requested, CancellationToken ct)
    {
        if (user.IsOperator()) return null;
        var current = (await session.LoadAsync<TenantAccount>(tenantId, ct))?.CreditLimit;
        return RaisesCreditLimit(current, requested) ? Refused("creditLimit", "raising a credit limit") : null;
    }
}
