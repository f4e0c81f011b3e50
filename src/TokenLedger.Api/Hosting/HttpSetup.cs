using Microsoft.AspNetCore.Authentication;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Balances;
using TokenLedger.Balances.GettingBalance;
using TokenLedger.Balances.Recording;
using TokenLedger.Plans.DefiningPlans;
using TokenLedger.Plans.GettingEconomics;
using TokenLedger.Plans.Subscribing;
using TokenLedger.Access.IssuingKeys;
using TokenLedger.Distributors.GettingMargins;
using TokenLedger.Distributors.RegisteringDistributor;
using TokenLedger.Distributors.SettingBreakEven;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Invoicing.ClosingPeriod;
using TokenLedger.Invoicing.GettingInvoices;
using TokenLedger.Invoicing.Rendering;
using TokenLedger.Invoicing.SettingTerms;
using TokenLedger.Prepayment;
using TokenLedger.Receivables;
using TokenLedger.Pricing.ImportingLiteLlm;
using TokenLedger.Pricing.PuttingPriceBook;
using TokenLedger.Pricing.RatingUnratedUsage;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Pricing.ReRatingUsage;
using TokenLedger.Tenants.ListingUnknownTenants;
using TokenLedger.Tenants.RegisteringTenant;
using TokenLedger.Usage;
using TokenLedger.Usage.GettingUsage;
using TokenLedger.Usage.RecordingNativeUsage;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Api.Hosting;

public static class HttpSetup
{
    public static void AddLedgerHttp(this WebApplicationBuilder builder, TokenLedgerOptions settings)
    {
        var services = builder.Services;
        services.AddSingleton(ServiceClock.From(builder.Configuration[ServiceClock.Variable]));
        services.AddSingleton<RatingCatalogSource>();
        services.AddSingleton<TokenLedger.Compat.MeterMappings.MeterMappingCatalog>();
        services.Configure<UsageCommitOptions>(o => o.Attempts = settings.Ingest.CommitAttempts);
        services.AddSingleton<UsageCommitter>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageCommitter>());
        services.AddUsageQueueConsumers(settings);
        services.AddSingleton<UsageMetrics>();
        services.AddSingleton<OrderedCommands>();
        services.AddSingleton<AccountCommands>();
        services.AddSingleton<UpstreamCommands>();
        services.AddSingleton<TokenLedger.Usage.Facts.LedgerDays>();
        services.AddSingleton<TokenLedger.Reconciliation.ReconciliationRuns>();
        services.AddSingleton<TokenLedger.Prepayment.GettingExposure.InvoiceSettlements>();
        services.AddSingleton<TokenLedger.Prepayment.GettingExposure.ExposureQuery>();
        services.Configure<AccountClockOptions>(o => o.Interval = settings.AccountClockInterval);
        services.AddHostedService<AccountClock>();
        services.AddSingleton<TokenLedger.Balances.Holds.HoldDesk>();
        services.AddSingleton<TokenLedger.Balances.Holds.HoldHistory>();
        services.AddOptions<TokenLedger.Balances.Holds.HoldOptions>().BindConfiguration(TokenLedger.Balances.Holds.HoldOptions.Section)
            .Validate(o => o.SweepSeconds is >= 0 and <= 3600, "TokenLedger:Holds:SweepSeconds must be 0 to 3600").ValidateOnStart();
        services.AddSingleton<TokenLedger.Balances.Holds.HoldExpirySweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<TokenLedger.Balances.Holds.HoldExpirySweeper>());
        services.AddOptions<InvoicingOptions>().BindConfiguration(InvoicingOptions.Section);
        services.AddSingleton<PeriodCloser>();
        services.AddSingleton<TokenLedger.Invoicing.CreditNotes.CreditNoteWriter>();
        services.AddSingleton<TokenLedger.Invoicing.CreditNotes.ReRatingNotes>();
        services.AddSingleton<ReceivablesCommands>();
        services.AddSingleton<ReceivablesLedger>();
        services.AddSingleton<TokenLedger.Receivables.GettingReceivables.ReceivablesFactsReader>();
        services.AddOptions<TokenLedger.Receivables.Dunning.DunningOptions>().BindConfiguration(TokenLedger.Receivables.Dunning.DunningOptions.Section);
        services.AddSingleton<TokenLedger.Receivables.Dunning.DunningRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<TokenLedger.Receivables.Dunning.DunningRunner>());
        services.AddOptions<TokenLedger.Usage.PruningDeadLetters.DeadLetterRetentionOptions>()
            .BindConfiguration(TokenLedger.Usage.PruningDeadLetters.DeadLetterRetentionOptions.Section)
            .Validate(o => o.RetentionDays >= 1, "TokenLedger:DeadLetters:RetentionDays must be 1 or more").ValidateOnStart();
        services.AddHostedService<TokenLedger.Usage.PruningDeadLetters.DeadLetterPruner>();
        services.AddOptions<TokenLedger.Receivables.AssessingRisk.RiskOptions>().BindConfiguration(TokenLedger.Receivables.AssessingRisk.RiskOptions.Section);
        services.AddHostedService<AutomaticClose>();
        services.AddOptions<TokenLedger.Webhooks.WebhookOptions>().BindConfiguration(TokenLedger.Webhooks.WebhookOptions.Section)
            .Validate(o => o.Schedule.All(d => d > TimeSpan.Zero), "TokenLedger:Webhooks:RetrySchedule waits must be positive")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.SecretOverlap >= TimeSpan.Zero, "TokenLedger:Webhooks: Timeout must be positive and SecretOverlap not negative")
            .ValidateOnStart();
        services.AddSingleton<TokenLedger.Webhooks.Delivering.WebhookSender>();
        services.AddSingleton(sp => new InvoicePdfRenderer(InvoiceFonts.Default, sp.GetService<ILogger<InvoicePdfRenderer>>()));
        services.AddSingleton<InvoicingMetrics>();
        services.AddSingleton<RenderedInvoices>();
        services.AddMemoryCache();
        builder.AddLedgerAccess(settings.AdminKey);
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.SkipKeyRingWarmUp();
        services.AddAuthorization(o => { o.AddLedgerPolicies(); TokenLedger.Webhooks.WebhookAccess.AddWebhookPolicy(o); });
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestProblems>();
        services.AddExceptionHandler<ConflictProblems>();
        services.AddSingleton<TokenLedger.Infrastructure.LedgerWrites>();
        services.AddSingleton<TokenLedger.Idempotency.IdempotencyRecords>();
        services.AddOptions<TokenLedger.Idempotency.IdempotencyOptions>().BindConfiguration(TokenLedger.Idempotency.IdempotencyOptions.Section)
            .Validate(o => o.RetentionDays >= TokenLedger.Idempotency.IdempotencyOptions.MinimumRetentionDays,
                $"TokenLedger:Idempotency:RetentionDays must be {TokenLedger.Idempotency.IdempotencyOptions.MinimumRetentionDays} or more").ValidateOnStart();
        services.AddHostedService<TokenLedger.Idempotency.IdempotencyKeyPruner>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.ConfigureForLedger());
    }

    public static void MapLedgerEndpoints(this WebApplication app, TokenLedgerOptions settings)
    {
        app.UseSecurityHeaders(settings.MetricsKey);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseLedgerConsole();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseTextGuard();
        app.UseMiddleware<TokenLedger.Idempotency.IdempotencyMiddleware>();
        app.MapEndpointsByConvention(typeof(TokenLedger.Infrastructure.EndpointConventions).Assembly);
    }
}
