using JasperFx.Core;
using TokenLedger.Contracts.Signals;
using TokenLedger.Contracts.Usage;
using TokenLedger.Pricing.RatingUnratedUsage;
using TokenLedger.Usage.RecordingNativeUsage;
using TokenLedger.Usage.RecordingUsage;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.RabbitMQ;

namespace TokenLedger.Api.Hosting;

public static class MessagingSetup
{
    public static void AddLedgerMessaging(this WebApplicationBuilder builder, TokenLedgerOptions settings)
    {
        builder.Host.UseWolverine(opts =>
        {
            opts.ServiceName = "tokenledger";
            opts.UseRuntimeCompilation();
            opts.Discovery.IncludeAssembly(typeof(UsageCommitter).Assembly);
            opts.Policies.AutoApplyTransactions();
            opts.UseSystemTextJsonForSerialization(json => json.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);

            opts.UseRabbitMq(new Uri(settings.RabbitMq)).AutoProvision();

            ListenForRawUsage<RawUsageMessage>(opts, UsageContract.QueueName, RawUsageMessage.MessageTypeName, settings);
            ListenForRawUsage<RawNativeUsageMessage>(opts, RawNativeUsageMessage.QueueName, RawNativeUsageMessage.MessageTypeName, settings);

            opts.PublishMessage<RateUnratedUsage>().ToLocalQueue("late-rating").Sequential();
            opts.PublishMessagesToRabbitMqExchange<GatewaySignalV1>(GatewaySignals.ExchangeName, s => s.RoutingKey);
            opts.PublishMessagesToRabbitMqExchange<DistributorSignalV1>(GatewaySignals.ExchangeName, s => s.RoutingKey);
            opts.PublishMessage<UsageDeadLetterV1>().ToRabbitQueue(UsageContract.DeadLetterQueueName).SendInline();

            // Bad input never throws (it is refused and dead-lettered as data), so an exception here means the database or
            // the broker is away, whatever type it surfaces as (Marten wraps NpgsqlException in MartenCommandException).
            // Keep retrying with backoff and requeue; never move usage to an error queue, which may itself be unreachable.
            opts.OnException<Exception>()
                .RetryWithCooldown(100.Milliseconds(), 500.Milliseconds(), 2.Seconds())
                .Then.PauseThenRequeue(5.Seconds());
        });
    }

    private static void ListenForRawUsage<T>(WolverineOptions opts, string queue, string messageTypeName, TokenLedgerOptions settings) =>
        opts.ListenToRabbitQueue(queue)
            .UseInterop(new RawUsageEnvelopeMapper(messageTypeName))
            .DefaultIncomingMessage<T>()
            .DefaultSerializer(new RawUsageSerializer())
            .DisableDeadLetterQueueing()
            .PreFetchCount(settings.Ingest.PrefetchCount)
            .ConsumerDispatchConcurrency(settings.Ingest.ConcurrentDeliveries)
            .ListenerCount(settings.Ingest.Listeners)
            // Inline: the delivery is acked only after the handler returns, i.e. after the group commit.
            .ProcessInline();
}
