using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TokenLedger.Balances;

namespace TokenLedger.Access;

/// <summary>
/// Acts that create value for a tenant out of nothing, so only an operator key may do them (README: role table):
/// granting credit, a positive adjustment, a free package, raising a credit limit. Finance records money that moved.
/// Applied as endpoint filters, so the endpoints' own code does not change.
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

    /// <summary>A filter refusing a non-operator whose request body makes <paramref name="isOperatorAct"/> true.</summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> When<TBody>(
        Func<TBody, bool> isOperatorAct, string field, string act) =>
        async (context, next) =>
            !context.HttpContext.User.IsOperator() && context.Arguments.OfType<TBody>().FirstOrDefault() is { } body && isOperatorAct(body)
                ? Refused(field, act)
                : await next(context);

    /// <summary>A filter refusing a non-operator who would raise (or remove) the tenant's current credit limit.</summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> CreditLimitRaise<TBody>(Func<TBody, decimal?> requested) =>
        async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.User.IsOperator() || context.Arguments.OfType<TBody>().FirstOrDefault() is not { } body
                || http.GetRouteValue("tenantId") is not string tenantId) return await next(context);
            var session = http.RequestServices.GetRequiredService<IQuerySession>();
            var current = (await session.LoadAsync<TenantAccount>(tenantId, http.RequestAborted))?.CreditLimit;
            return RaisesCreditLimit(current, requested(body)) ? Refused("creditLimit", "raising a credit limit") : await next(context);
        };
}
