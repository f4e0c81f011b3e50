using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using NodaTime;
using RabbitMQ.Client;
using TokenLedger.Contracts.Usage;
using TokenLedger.Tenants;
using TokenLedger.Tenants.RegisteringTenant;

namespace TokenLedger.Api.Demo;

/// <summary>
/// <c>ops/run --demo</c>: registers three sample tenants and publishes gateway-like usage to the real queue,
/// a batch every second with the odd duplicate and invalid item, so a newcomer can watch the ledger work.
/// </summary>
public sealed class DemoTraffic(IOptions<TokenLedgerOptions> settings, IDocumentStore store, IClock clock, ILogger<DemoTraffic> logger)
    : BackgroundService
{
    private static readonly string[] Tenants = ["acme", "hangzhou-ai", "beta-labs"];
    private static readonly string[] Models = ["deepseek-v4-pro", "qwen3-max", "doubao-seed-2-0-pro", "glm-4.6", "kimi-k2"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RegisterTenantsAsync(stoppingToken);
        var factory = new ConnectionFactory { Uri = new Uri(settings.Value.RabbitMq), ClientProvidedName = "tokenledger-demo-gateway" };
        await using var connection = await factory.CreateConnectionAsync(stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        var random = new Random(42);
        var published = 0;
        logger.LogInformation("Demo gateway publishing to {Queue}; try GET /api/tenants/acme/usage", UsageContract.QueueName);

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetCurrentInstant().ToDateTimeOffset();
            var batch = Enumerable.Range(0, 20).Select(_ => (object)NextEvent(random, now, ++published)).ToList();
            batch.Add(batch[random.Next(batch.Count)]);
            batch.Add(new { eventId = $"demo-bad-{published}", tenantId = "acme", model = "qwen3-max", inputTokens = -5 });
            var body = JsonSerializer.SerializeToUtf8Bytes(batch, Json);
            await channel.BasicPublishAsync("", UsageContract.QueueName, mandatory: false,
                new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent }, body, stoppingToken);
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    private static UsageEventV1 NextEvent(Random random, DateTimeOffset now, int n) => new(
        $"demo-{now.ToUnixTimeMilliseconds()}-{n}", now.ToOffset(TimeSpan.FromHours(8)), Tenants[Math.Min(random.Next(4), 2)],
        Models[random.Next(Models.Length)], random.Next(200, 30_000), random.Next(0, 20_000), random.Next(50, 4_000));

    private async Task RegisterTenantsAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        foreach (var id in Tenants)
        {
            var key = TenantStreams.For(id);
            var current = await session.LoadAsync<Tenant>(key, ct);
            var events = PutTenant.Decide(current, new PutTenant(id, id, null, null), clock.GetCurrentInstant());
            if (current is null && events.Length > 0) session.Events.StartStream<Tenant>(key, events);
        }
        await session.SaveChangesAsync(ct);
    }
}
