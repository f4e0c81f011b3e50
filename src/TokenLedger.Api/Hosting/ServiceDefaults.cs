using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;
using TokenLedger.Usage;

namespace TokenLedger.Api.Hosting;

/// <summary>Health, telemetry, logs and the OpenAPI document: the things every service of ours has.</summary>
public static class ServiceDefaults
{
    private const string ReadyTag = "ready";

    public static void AddServiceDefaults(this WebApplicationBuilder builder)
    {
        ApplyLogLevel(builder.Configuration);
        if (builder.Configuration["TOKENLEDGER_LOG_FORMAT"] == "json") builder.Logging.AddJsonConsole();
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });

        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(m => m
                .AddMeter(UsageMetrics.MeterName, "Wolverine", "Marten")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(t => t.AddSource("Wolverine", "Marten").AddAspNetCoreInstrumentation());
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) otel.UseOtlpExporter();

        builder.Services.AddSingleton<RabbitMqHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddNpgSql(tags: [ReadyTag], name: "postgresql")
            .AddCheck<RabbitMqHealthCheck>("rabbitmq", tags: [ReadyTag]);
        builder.Services.AddOpenApi();
    }

    /// <summary>
    /// TOKENLEDGER_LOG_LEVEL (Trace, Debug, Information, Warning, Error, Critical, None), when set, becomes the level of
    /// Logging:LogLevel:Default and of every category appsettings.json names (the quiet start holds Marten, Wolverine,
    /// ASP.NET Core and the host's lifetime messages at Warning). Unset, appsettings.json's levels apply.
    /// </summary>
    public static void ApplyLogLevel(ConfigurationManager configuration)
    {
        if (configuration["TOKENLEDGER_LOG_LEVEL"] is not { Length: > 0 } text) return;
        if (!Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) || !Enum.IsDefined(level))
            throw new InvalidOperationException($"TOKENLEDGER_LOG_LEVEL is '{text}': give Trace, Debug, Information, Warning, Error, Critical or None");
        var keys = configuration.GetSection("Logging:LogLevel").GetChildren().Select(c => c.Path).Append("Logging:LogLevel:Default");
        configuration.AddInMemoryCollection(keys.Distinct().ToDictionary(k => k, _ => (string?)level.ToString()));
    }

    public static void MapServiceDefaults(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs").AllowAnonymous();
        app.MapPrometheusScrapingEndpoint().AllowAnonymous();
        app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription().AllowAnonymous();
    }
}
