using Microsoft.AspNetCore.Hosting.Server;

namespace TokenLedger.Api.Demo;

public static class DemoSetup
{
    /// <summary><c>--demo</c> (or <c>TOKENLEDGER_DEMO=true</c>): the demo market is seeded, then its live gateway publishes.</summary>
    public static bool AddDemoMarket(this WebApplicationBuilder builder, string[] args)
    {
        if (!args.Contains("--demo") && !builder.Configuration.GetValue<bool>("TOKENLEDGER_DEMO")) return false;
        builder.Services.AddSingleton(sp => DemoTransport.OverTcp(sp.GetRequiredService<IServer>()));
        builder.Services.AddSingleton<DemoReadiness>();
        builder.Services.AddSingleton<DemoClosing>();
        builder.Services.AddHostedService<DemoMarket>();
        builder.Services.AddHostedService<DemoTraffic>();
        return true;
    }
}
