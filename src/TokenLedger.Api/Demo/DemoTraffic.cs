using System.Text.Json;
using Microsoft.Extensions.Options;
using NodaTime;
using RabbitMQ.Client;
using TokenLedger.Contracts.Usage;

namespace TokenLedger.Api.Demo;

/// <summary>
/// <c>ops/run --demo</c>, once the market is seeded (<see cref="DemoMarket"/>): a gateway publishing the market's live usage
/// to the real queue, about 20 requests a second with the odd duplicate and invalid item. A quarter of the requests are the
/// Coding Plan tenant's, so it crosses its 5-hour request cap within a minute; like a real gateway it then stops sending a
/// tenant's requests on a <c>refuse</c> signal and resumes on <c>resume</c> (<see cref="DemoRefusals"/>).
/// </summary>
public sealed class DemoTraffic(IOptions<TokenLedgerOptions> settings, IClock clock, DemoReadiness readiness, ILogger<DemoTraffic> logger)
    : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.Seeded.Task.WaitAsync(stoppingToken);
        var factory = new ConnectionFactory { Uri = new Uri(settings.Value.RabbitMq), ClientProvidedName = "tokenledger-demo-gateway" };
        await using var connection = await factory.CreateConnectionAsync(stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await using var signals = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        var refusals = new DemoRefusals(logger);
        await refusals.ListenAsync(signals, stoppingToken);
        var random = new Random(42);
        var published = 0;
        var paying = DemoCatalog.Tenants.Where(t => t.RequestsPerDay > 0).ToArray();
        var onPlan = DemoCatalog.Tenants.Single(t => t.Id == DemoCatalog.PlanTenant);
        logger.LogInformation("Demo gateway publishing live usage to {Queue}", UsageContract.QueueName);

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetCurrentInstant();
            var batch = Enumerable.Range(0, 20).Select(_ =>
            {
                var id = $"demo-{now.ToUnixTimeMilliseconds()}-{++published}";
                return random.Next(4) == 0
                    ? DemoUsage.Request(random, onPlan, id, now, onPlan: true)
                    : DemoUsage.Request(random, paying[random.Next(paying.Length)], id, now);
            }).Where(e => !refusals.IsRefused(e.TenantId)).Cast<object>().ToList();
            if (batch.Count > 0) batch.Add(batch[random.Next(batch.Count)]);
            batch.Add(new { eventId = $"demo-bad-{published}", tenantId = "acme", model = "qwen3-max", inputTokens = -5 });
            var body = JsonSerializer.SerializeToUtf8Bytes(batch, Json);
            await channel.BasicPublishAsync("", UsageContract.QueueName, mandatory: false,
                new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent }, body, stoppingToken);
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }
}
