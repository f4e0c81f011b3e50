using Microsoft.Extensions.FileProviders;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// The web console: static files under /console, copied next to the service's assembly at build time (wwwroot/console),
/// served without a key (they hold no data; every figure is fetched from the API with the key the user signs in with).
/// Views are addressed by the URL fragment (/console/#/finance), so no server-side fallback route is needed.
/// </summary>
public static class ConsoleSetup
{
    public static void UseLedgerConsole(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot", "console");
        if (!Directory.Exists(root)) return;
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = "/console" });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = "/console",
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}
