using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using TokenLedger.Contracts.Usage;
using TokenLedger.Faults.Harness;
using TokenLedger.Faults.Workload;

namespace TokenLedger.Faults.Scenarios;

/// <summary>
/// <c>--events</c> valid events (1% of them with RTL text and emoji in ids and model) with <c>--poison</c> poison messages
/// of every kind (<see cref="PoisonMessages"/>) spread among them, on one service: every valid event counted exactly,
/// every poison item dead-lettered, counted through <c>GET /api/operator/dead-letters</c> and on the dead-letter queue,
/// and the usage queue drained. Reports events/s and the drain time (last message published to queue empty).
/// </summary>
public sealed class PoisonMessagesScenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker) : Scenario(context, probe, broker)
{
    public override string Name => "poison";

    protected override async Task ExecuteAsync(ScenarioResult result, CancellationToken ct)
    {
        var workload = NewWorkload();
        var unusual = PoisonMessages.ValidUnusual(workload, Math.Max(10, Options.Events / 100));
        var valid = workload.ValidMessages(Options.Events - unusual.Count, resendFraction: 0).Concat(unusual).OrderBy(_ => workload.Random.Next()).ToList();
        var poison = PoisonMessages.Create(workload, Options.Poison);
        var messages = HostileMessagesScenario.Interleave(valid, poison.Select(p => p.Message).ToList());
        result.LettersExpected = poison.Sum(p => p.Letters);
        Context.Log($"  {poison.Count} poison messages ({PoisonMessages.KindCount} kinds, {poison.Sum(p => (long)p.Message.Body.Length) / 1_000_000.0:F0} MB, " +
                    $"{result.LettersExpected} dead letters expected) among {valid.Count} valid messages ({unusual.Count} with RTL text and emoji)");

        var service = await StartServiceAsync("0", ct);
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var watch = Stopwatch.StartNew();
        var publishingFrom = Context.Now;
        await using var ingest = StartIngest(workload, messages, ct);
        await FinishAsync(ingest, workload, service, result, ct);
        var drained = await DrainedAsync(watch, ct);
        // CompletedAt is on the harness's clock: from the start of publishing to the last valid event recorded.
        var recordedIn = (ingest.CompletedAt ?? Context.Now) - publishingFrom;
        result.Notes.Add($"{workload.UniqueExpected:N0} valid events recorded in {recordedIn:F1} s ({workload.UniqueExpected / recordedIn:N0} events/s, " +
                         $"{messages.Count / recordedIn:N0} messages/s); usage queue empty {drained.TotalSeconds:F1} s after the start of publishing");

        var api = await DeadLettersThroughApiAsync(service, since, result.LettersExpected.Value, ct);
        var most = poison.Sum(p => (long)p.Letters * Math.Max(1, p.Message.Attempts));
        result.Notes.Add($"dead letters: {result.LettersExpected} expected, {api.Total} through GET /api/operator/dead-letters (by channel: " +
                         $"{string.Join(", ", api.ByChannel.Select(c => $"{c.Key} {c.Value}"))}); top reasons: {string.Join("; ", api.Reasons.Take(6))}");
        if (api.Total < result.LettersExpected || api.Total > most)
            result.Fail($"GET /api/operator/dead-letters counts {api.Total} refused items, expected {result.LettersExpected}" + (most > result.LettersExpected ? $" to {most}" : ""));

        var queued = await TakeDeadLettersAsync(result.LettersExpected.Value, ct);
        result.LettersSeen = queued;
        if (queued < result.LettersExpected || queued > most) result.Fail($"{queued} messages on {UsageContract.DeadLetterQueueName}, expected {result.LettersExpected}");
    }

    /// <summary>Waits until the usage queue holds nothing (ready or unacknowledged); the time since publishing began.</summary>
    private async Task<TimeSpan> DrainedAsync(Stopwatch watch, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (await Broker.StatsAsync(UsageContract.QueueName, ct) is { Messages: 0 }) return watch.Elapsed;
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"{UsageContract.QueueName} did not drain within 2 minutes of the ingest completing");
    }

    private sealed record DeadLetterCount(long Total, Dictionary<string, long> ByChannel, List<string> Reasons);

    /// <summary>The refused items the service logged since the scenario began, once the count stops changing.</summary>
    private async Task<DeadLetterCount> DeadLettersThroughApiAsync(ServiceProcess service, DateTimeOffset since, long expected, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        DeadLetterCount? last = null;
        while (true)
        {
            var until = DateTimeOffset.UtcNow.AddMinutes(1);
            using var request = new HttpRequestMessage(HttpMethod.Get,
                $"/api/operator/dead-letters?since={Uri.EscapeDataString(since.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"))}&until={Uri.EscapeDataString(until.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"))}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Context.AdminKey);
            using var response = await service.Http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = json.RootElement;
            var count = new DeadLetterCount(root.GetProperty("total").GetInt64(),
                root.GetProperty("byChannel").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()),
                root.GetProperty("reasons").EnumerateArray().Select(r => $"{r.GetProperty("count").GetInt64()}× {r.GetProperty("example").GetString()?[..Math.Min(80, r.GetProperty("example").GetString()!.Length)]}").ToList());
            if (count.Total >= expected && last?.Total == count.Total || watch.Elapsed > TimeSpan.FromMinutes(1)) return count;
            last = count;
            await Task.Delay(1000, ct);
        }
    }

    private async Task<long> TakeDeadLettersAsync(long expected, CancellationToken ct)
    {
        long taken = 0;
        var quiet = Stopwatch.StartNew();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            var letters = await Broker.TakeDeadLettersAsync(UsageContract.DeadLetterQueueName, ct);
            taken += letters.Count;
            if (letters.Count > 0) quiet.Restart();
            if (taken >= expected && quiet.Elapsed > TimeSpan.FromSeconds(3)) break;
            await Task.Delay(500, ct);
        }
        return taken;
    }
}
