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
