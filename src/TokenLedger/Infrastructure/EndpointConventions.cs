using System.Reflection;
using Microsoft.AspNetCore.Routing;

namespace TokenLedger.Infrastructure;

/// <summary>
/// Endpoints are registered by convention, one use case at a time: every type of the ledger that declares
/// <c>public static void Map(IEndpointRouteBuilder app)</c> maps its own routes there (policy, tags, summary included).
/// There is no hand-written list to forget a use case in.
/// </summary>
public static class EndpointConventions
{
    public static IReadOnlyList<Type> EndpointTypes(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => MapMethod(t) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();

    public static void MapEndpointsByConvention(this IEndpointRouteBuilder app, Assembly assembly)
    {
        foreach (var type in EndpointTypes(assembly)) MapMethod(type)!.Invoke(null, [app]);
    }

    private static MethodInfo? MapMethod(Type type) =>
        type.GetMethod("Map", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly, [typeof(IEndpointRouteBuilder)]) is { ReturnType: var r } m
        && r == typeof(void) ? m : null;
}
