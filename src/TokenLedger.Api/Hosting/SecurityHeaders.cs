using System.Security.Cryptography;
using System.Text;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// Headers on every response, console and API alike: a Content-Security-Policy that lets pages load only the service's
/// own scripts, styles and data and never be framed (<c>frame-ancestors 'none'</c>), <c>X-Content-Type-Options: nosniff</c>
/// and <c>Referrer-Policy: no-referrer</c>. The API reference under /docs (Scalar) needs its inline bootstrap script and
/// its CDN, so it gets a policy that keeps only the framing and object rules. /metrics asks for the metrics key when one
/// is configured (TOKENLEDGER_METRICS_KEY or TokenLedger:MetricsKey); it is open otherwise, as scrapers expect by default.
/// </summary>
public static class SecurityHeaders
{
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string DocsPolicy = "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public static void UseSecurityHeaders(this WebApplication app, string? metricsKey) => app.Use(async (context, next) =>
    {
        var docs = context.Request.Path.StartsWithSegments("/docs");
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = docs ? DocsPolicy : Policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        });
        if (!string.IsNullOrEmpty(metricsKey) && context.Request.Path.StartsWithSegments("/metrics") && !HasKey(context.Request, metricsKey))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
            return;
        }
        await next(context);
    });

    private static bool HasKey(HttpRequest request, string key)
    {
        var header = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(header[bearer.Length..].Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
