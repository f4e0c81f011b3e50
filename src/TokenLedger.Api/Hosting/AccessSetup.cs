using Microsoft.AspNetCore.RateLimiting;
using TokenLedger.Access;
using TokenLedger.Access.Throttling;
using TokenLedger.Access.TrackingUse;

namespace TokenLedger.Api.Hosting;

/// <summary>Auth cache, last-use tracking and the rate limiter, each with its options validated at start-up.</summary>
public static class AccessSetup
{
    public static void AddLedgerAccess(this WebApplicationBuilder builder, string? adminKey)
    {
        var services = builder.Services;
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section)
            .Configure(o => o.AdminKey = adminKey)
            .Validate(o => o.Invalid() is null, "TokenLedger:Access holds a value out of range (see the README's settings table)").ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.Invalid() is null, "TokenLedger:RateLimits holds a value out of range (see the README's settings table)").ValidateOnStart();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<KeyUseTracker>();
        services.AddSingleton<KeyUseWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyUseWriter>());
        services.AddSingleton<LedgerRateLimiter>();
        services.AddRateLimiter(o => o.OnRejected = LedgerRateLimiter.RejectAsync);
        services.AddOptions<RateLimiterOptions>().Configure<LedgerRateLimiter>((o, limiter) => o.GlobalLimiter = limiter.Global);
    }
}
