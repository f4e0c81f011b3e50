using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// The few lines a person starting the service needs, written once the host has started: where it listens, the URLs to
/// open (console, API docs, metrics), which servers it uses and, when one was generated, the operator key, framed and
/// set apart by blank lines. Written to stdout whatever the log level (it is the service's own output, not a log).
/// Everything else a start prints (schema SQL, Wolverine's transport set-up, …) is logged at Debug or Information under
/// categories that appsettings.json holds at Warning; TOKENLEDGER_LOG_LEVEL lowers or raises them all.
/// </summary>
public static class StartupBanner
{
    public const string Title = "TokenLedger is running";
    public const string OperatorKeyLabel = "Operator key for this run, shown once (sign in to the console with it):";

    public static void WriteStartupBanner(this WebApplication app, TokenLedgerOptions settings) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            var url = (addresses?.FirstOrDefault() ?? app.Configuration["TOKENLEDGER_URLS"] ?? "").TrimEnd('/');
            Console.Out.Write(Text(url, app.Environment.EnvironmentName, settings));
            Console.Out.Flush();
        });

    public static string Text(string url, string environment, TokenLedgerOptions settings)
    {
        var lines = new List<string>
        {
            $"{Title} on {url} ({environment}); Ctrl+C stops it",
            $"  console   {url}/console/",
            $"  API docs  {url}/docs  (OpenAPI document: /openapi/v1.json)",
            $"  metrics   {url}/metrics{(settings.MetricsKey is null ? "" : "  (bearer TOKENLEDGER_METRICS_KEY)")}",
            $"  servers   PostgreSQL {Postgres(settings.Postgres)}, RabbitMQ {RabbitMq(settings.RabbitMq)}",
        };
        if (settings.AdminKeyGenerated)
        {
            lines.Add("");
            lines.Add($"  {OperatorKeyLabel}");
            lines.Add($"      {settings.AdminKey}");
        }
        else if (settings.AdminKeyDisabled)
            lines.Add("  TOKENLEDGER_ADMIN_KEY is disabled: only stored keys authenticate.");

        var width = lines.Max(l => l.Length) + 2;
        var text = new StringBuilder().AppendLine();
        text.AppendLine("+" + new string('-', width) + "+");
        foreach (var line in lines) text.AppendLine("| " + line.PadRight(width - 1) + "|");
        text.AppendLine("+" + new string('-', width) + "+");
        return text.AppendLine().ToString();
    }

    private static string Postgres(string connectionString)
    {
        try
        {
            var pg = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{pg.Host}:{pg.Port}/{pg.Database}";
        }
        catch (ArgumentException)
        {
            return "(connection string not readable)";
        }
    }

    private static string RabbitMq(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? $"{parsed.Host}:{(parsed.IsDefaultPort ? 5672 : parsed.Port)}{parsed.AbsolutePath}" : "(URI not readable)";
}
