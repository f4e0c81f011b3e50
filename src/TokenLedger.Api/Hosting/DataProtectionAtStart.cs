namespace TokenLedger.Api.Hosting;

/// <summary>
/// <c>AddAuthentication</c> registers ASP.NET Core Data Protection, and with it a hosted service that loads (or, on a
/// machine that has none, creates and writes) the key ring before the service may start: 2.3 s of a restart on a busy
/// box (docs/performance.md, "Ready in under 2 s"). Nothing the service serves protects data with it: API keys are
/// bearer tokens checked against stored hashes (<c>ApiKeyAuthentication</c>), with no cookie, session or antiforgery
/// token. The hosted service is removed so start-up does not pay for it; should something ever ask for a protector,
/// Data Protection still loads the key ring then, on first use.
/// </summary>
public static class DataProtectionAtStart
{
    /// <summary>The internal hosted service of Microsoft.AspNetCore.DataProtection (the test <c>a_ready_start</c> checks that it still exists).</summary>
    public const string WarmUpService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    public static void SkipKeyRingWarmUp(this IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType?.FullName == WarmUpService)
                services.RemoveAt(i);
    }
}
