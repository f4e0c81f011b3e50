using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace TokenLedger.Faults.Harness;

/// <summary>Queue statistics from the management API (refreshed by the broker about once a second).</summary>
public sealed record QueueStats(long Messages, long Ready, long Unacknowledged, int Consumers)
{
    public override string ToString() => $"{Ready} ready/{Unacknowledged} unacked, {Consumers} consumer(s)";
}

/// <summary>One message taken off the dead-letter queue.</summary>
public sealed record DeadLetter(string? Reason, string? ReasonHeader, int Errors, string? EventId, int? Index, string? FirstField, int PayloadChars);

/// <summary>Inspects and empties queues of the harness's broker: passive declares, purges, basic.get, management API.</summary>
public sealed class BrokerAdmin(HarnessContext context) : IDisposable
{
    private readonly HttpClient _management = CreateManagementClient(context.Management);

    public async Task<QueueStats?> StatsAsync(string queue, CancellationToken ct)
    {
        try
        {
            using var response = await _management.GetAsync($"api/queues/%2F/{Uri.EscapeDataString(queue)}", ct);
            if (!response.IsSuccessStatusCode) return null;
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = json.RootElement;
            long Number(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
            return new QueueStats(Number("messages"), Number("messages_ready"), Number("messages_unacknowledged"), (int)Number("consumers"));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Ready messages and consumers right now (a passive declare), or null if the broker cannot be reached.</summary>
    public async Task<(uint Ready, uint Consumers)?> DeclarePassiveAsync(string queue, CancellationToken ct)
    {
        try
        {
            await using var connection = await ConnectAsync("inspect", ct);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            var ok = await channel.QueueDeclarePassiveAsync(queue, ct);
            return (ok.MessageCount, ok.ConsumerCount);
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or IOException or AlreadyClosedException)
        {
            return null;
        }
    }

    public async Task<uint> PurgeAsync(string queue, CancellationToken ct)
    {
        try
        {
            await using var connection = await ConnectAsync("purge", ct);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            await channel.QueueDeclarePassiveAsync(queue, ct);
            return await channel.QueuePurgeAsync(queue, ct);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    /// <summary>Takes every message currently on a queue (basic.get with auto-ack) and reads it as a dead letter.</summary>
    public async Task<List<DeadLetter>> TakeDeadLettersAsync(string queue, CancellationToken ct)
    {
        var letters = new List<DeadLetter>();
        await using var connection = await ConnectAsync("dead-letters", ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        while (await channel.BasicGetAsync(queue, autoAck: true, ct) is { } got) letters.Add(Read(got));
        return letters;
    }

    private static DeadLetter Read(BasicGetResult got)
    {
        string? header = null;
        if (got.BasicProperties.Headers?.TryGetValue("x-tokenledger-reason", out var value) == true)
            header = value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString();
        try
        {
            using var json = JsonDocument.Parse(got.Body);
            var root = json.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array ? e : default;
            var count = errors.ValueKind == JsonValueKind.Array ? errors.GetArrayLength() : 0;
            string? field = count > 0 && errors[0].TryGetProperty("field", out var f) ? f.GetString() : null;
            int? index = root.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : null;
            return new DeadLetter(Text("reason"), header, count, Text("eventId"), index, field, Text("payload")?.Length ?? -1);
        }
        catch (JsonException)
        {
            return new DeadLetter(null, header, 0, null, null, null, -1);
        }
    }

    private async Task<IConnection> ConnectAsync(string purpose, CancellationToken ct)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(context.RabbitMq),
            ClientProvidedName = $"faults-{purpose}",
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        };
        return await factory.CreateConnectionAsync(ct);
    }

    private static HttpClient CreateManagementClient(Uri management)
    {
        var client = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(5) };
        var user = Uri.UnescapeDataString(management.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user)));
        return client;
    }

    public void Dispose() => _management.Dispose();
}
