using Microsoft.AspNetCore.Authorization;

namespace TokenLedger.Access;

public static class Policies
{
    public const string Operator = "operator";
    public const string Ingest = "ingest";
    public const string AnyKey = "any-key";
    public const string Finance = "finance";

    public static void AddLedgerPolicies(this AuthorizationOptions options)
    {
        options.AddPolicy(Operator, p => p.RequireRole(Roles.Operator));
        options.AddPolicy(Ingest, p => p.RequireRole(Roles.Operator, Roles.Gateway));
        options.AddPolicy(AnyKey, p => p.RequireAuthenticatedUser());
        options.AddPolicy(Finance, p => p.RequireRole(Roles.Operator, Roles.Finance));
        options.FallbackPolicy = options.GetPolicy(AnyKey);
    }
}
