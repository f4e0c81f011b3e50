using JasperFx.Core;
using TokenLedger.Contracts.Signals;
using TokenLedger.Contracts.Usage;
using TokenLedger.Pricing.RatingUnratedUsage;
using TokenLedger.Usage.RecordingNativeUsage;
using TokenLedger.Usage.RecordingUsage;
using TokenLedger.Webhooks;
using TokenLedger.Webhooks.Delivering;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.RabbitMQ;
using Wolverine.Runtime;

namespace TokenLedger.Api.Hosting;

public static class MessagingSetup
{
    public static void AddLedgerMessaging(this WebApplicationBuilder builder, TokenLedgerOptions settings)
    {
        builder.Host.UseWolverine(opts =>
        {
            opts.ServiceName = "tokenledger";
            opts.UseRuntimeCompilation();
            // Release: the handler adapters committed under Internal/Generated (GeneratedCode, ops/codegen); Debug: Roslyn.
            opts.ApplicationAssembly = typeof(MessagingSetup).Assembly;
            opts.CodeGeneration.TypeLoadMode = GeneratedCode.Mode;
            opts.Discovery.IncludeAssembly(typeof(UsageCommitter).Assembly);
            opts.Policies.AutoApplyTransactions();
            opts.UseSystemTextJsonForSerialization(json => json.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);

            opts.UseRabbitMq(new Uri(settings.RabbitMq)).AutoProvision();

            // A node killed with -9 keeps owning its durable inbox rows (late rating) and its projection/subscription
            // agents (Funding) until another node ejects it: StaleNodeEjectionThreshold (2) consecutive health checks
            // that find its last heartbeat older than StaleNodeTimeout. With Wolverine's defaults (heartbeat every
            // 10 s, stale after 1 min) that was 79 s after the kill in the fault harness (late-rating-kill); with
            // these, about half. 30 s still outlasts a PostgreSQL restart or failover of ~20 s, during which no
            // node can write a heartbeat, so live nodes are not ejected; a shorter timeout would risk that.
            opts.Durability.HealthCheckPollingTime = 5.Seconds();
            opts.Durability.StaleNodeTimeout = 30.Seconds();
            // A (re)started node runs its first health check, which takes the leadership and assigns the projection and
            // subscription agents (Funding among them), one HealthCheckPollingTime after this delay (Wolverine: 3 s).
            // At zero, balances and cap signals resume 3 s sooner after a restart (docs/performance.md, "Start-up").
            opts.Durability.FirstHealthCheckExecution = TimeSpan.Zero;

            // Durable: the message is stored with the change that calls for it (the outbox), and survives a crash before it runs.
            opts.PublishMessage<RateUnratedUsage>().ToLocalQueue("late-rating");
            opts.LocalQueue("late-rating").Sequential().UseDurableInbox();
            // Durable: the relay's outbox row commits with its progress, so a crash between the two cannot lose a signal.
            opts.PublishMessagesToRabbitMqExchange<GatewaySignalV1>(GatewaySignals.ExchangeName, s => s.RoutingKey).UseDurableOutbox();
            opts.PublishMessagesToRabbitMqExchange<DistributorSignalV1>(GatewaySignals.ExchangeName, s => s.RoutingKey).UseDurableOutbox();
            // Webhooks: every signal is also published as a WebhookEventRaised, from the same outbox transaction that sends
            // it to RabbitMQ (SignalOutbox, the relay below); each delivery attempt is a durable message, retried later
            // through the same queue. (A second publishing rule for the signal types themselves would be ignored: the
            // RabbitMQ exchange rule is the only route Wolverine takes for them.)
            var webhooks = builder.Configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
            opts.PublishMessage<WebhookEventRaised>().ToLocalQueue(WebhookFanOutHandler.Queue);
            opts.LocalQueue(WebhookFanOutHandler.Queue).UseDurableInbox();
            opts.PublishMessage<AttemptWebhookDelivery>().ToLocalQueue(WebhookDeliveryHandler.Queue);
            opts.LocalQueue(WebhookDeliveryHandler.Queue).MaximumParallelMessages(Math.Max(1, webhooks.Concurrency)).UseDurableInbox();
            opts.PublishMessage<UsageDeadLetterV1>().ToRabbitQueue(UsageContract.DeadLetterQueueName).SendInline();

            // A handler failure here means the database or the broker is away, whatever type it surfaces as (Marten wraps
            // NpgsqlException in MartenCommandException). Keep retrying with backoff and requeue.
            opts.OnException<Exception>()
                .RetryWithCooldown(100.Milliseconds(), 500.Milliseconds(), 2.Seconds())
                .Then.PauseThenRequeue(5.Seconds());
        });
    }

    /// <summary>
    /// The usage queues are read by <see cref="UsageQueueConsumer"/> rather than a Wolverine listener: it acknowledges
    /// each group commit with one multiple-ack after the transaction, which a per-message listener cannot do.
    /// </summary>
    public static void AddUsageQueueConsumers(this IServiceCollection services, TokenLedgerOptions settings)
    {
        var broker = new Uri(settings.RabbitMq);
        AddConsumer(services, new UsageQueueSettings(broker, UsageContract.QueueName, settings.Ingest.PrefetchCount, settings.Ingest.Listeners,
            (body, now) => UsageMessage.Read(body, now)));
        AddConsumer(services, new UsageQueueSettings(broker, NativeUsageQueue.QueueName, settings.Ingest.PrefetchCount, settings.Ingest.Listeners,
            (body, now) => UsageMessage.Read(body, now, NativeUsage.ReadDraft)));
    }

    private static void AddConsumer(IServiceCollection services, UsageQueueSettings queue) =>
        services.AddSingleton<IHostedService>(sp =>
            ActivatorUtilities.CreateInstance<UsageQueueConsumer>(sp, queue, new MessageBus(sp.GetRequiredService<IWolverineRuntime>())));
}
