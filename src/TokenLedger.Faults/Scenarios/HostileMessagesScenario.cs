using System.Diagnostics;
using TokenLedger.Contracts.Usage;
using TokenLedger.Faults.Harness;
using TokenLedger.Faults.Workload;

namespace TokenLedger.Faults.Scenarios;

/// <summary>
/// <c>--hostile</c> hostile messages (wrong types, 1e30 and 19-digit numbers, ~1 MB bodies, invalid UTF-8, 10,000 nested
/// brackets, text/plain, empty body, JSON null, bad items inside arrays…) interleaved with valid ones: exactly the
/// expected dead letters, each with a reason, every valid event counted, and the service's memory bounded.
/// </summary>
public sealed class HostileMessagesScenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker) : Scenario(context, probe, broker)
{
    public override string Name => "hostile";

    protected override async Task ExecuteAsync(ScenarioResult result, CancellationToken ct)
    {
        var workload = NewWorkload();
        var valid = workload.ValidMessages(Math.Max(1000, Options.Events / 5), resendFraction: 0, largestBatch: 20);
        var hostile = HostileMessages.Create(workload, Options.Hostile);
        var messages = Interleave(valid, hostile.Select(h => h.Message).ToList());
        result.LettersExpected = hostile.Sum(h => h.Letters);
        Context.Log($"  {hostile.Count} hostile messages ({hostile.Sum(h => (long)h.Message.Body.Length) / 1_000_000.0:F0} MB, " +
                    $"{hostile.Select(h => h.Kind).Distinct().Count()} kinds, {result.LettersExpected} dead letters expected) among {valid.Count} valid ones");

        var service = await StartServiceAsync("0", ct);
        await using var ingest = StartIngest(workload, messages, ct);
        await FinishAsync(ingest, workload, service, result, ct);

        var letters = await CollectDeadLettersAsync(result.LettersExpected.Value, ct);
        result.LettersSeen = letters.Count;
        // A hostile message sent twice (its window was re-sent after a broker failure) may rightly yield its letters twice.
        var most = hostile.Sum(h => (long)h.Letters * Math.Max(1, h.Message.Attempts));
        if (letters.Count < result.LettersExpected || letters.Count > most)
            result.Fail($"{letters.Count} dead letters, expected {result.LettersExpected}" + (most > result.LettersExpected ? $" to {most}" : ""));
        var unexplained = letters.Count(l => string.IsNullOrWhiteSpace(l.Reason) || l.Errors == 0 || string.IsNullOrWhiteSpace(l.ReasonHeader));
        if (unexplained > 0) result.Fail($"{unexplained} dead letters without a reason, errors or x-tokenledger-reason header");
        var byField = letters.GroupBy(l => l.FirstField ?? "?").OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
        result.Notes.Add($"dead letters by first field: {string.Join(", ", byField)}; largest payload kept {(letters.Count == 0 ? 0 : letters.Max(l => l.PayloadChars))} chars");

        var peakMb = service.PeakRssBytes / 1024.0 / 1024.0;
        result.Notes.Add($"peak RSS of the service {peakMb:F0} MB (limit {Options.RssLimitMb} MB)");
        if (peakMb > Options.RssLimitMb) result.Fail($"peak RSS {peakMb:F0} MB is above the limit of {Options.RssLimitMb} MB");
    }

    /// <summary>Spreads the hostile messages evenly among the valid ones.</summary>
    public static List<OutgoingMessage> Interleave(List<OutgoingMessage> valid, List<OutgoingMessage> hostile)
    {
        var all = new List<OutgoingMessage>(valid.Count + hostile.Count);
        int v = 0, h = 0;
        while (v < valid.Count || h < hostile.Count)
        {
            // Take from whichever list is behind its share.
            if (h < hostile.Count && (v >= valid.Count || (double)h / hostile.Count <= (double)v / valid.Count)) all.Add(hostile[h++]);
            else all.Add(valid[v++]);
        }
        return all;
    }

    /// <summary>Takes dead letters off their queue until the expected number arrived and no more come for a few seconds.</summary>
    private async Task<List<DeadLetter>> CollectDeadLettersAsync(long expected, CancellationToken ct)
    {
        var letters = new List<DeadLetter>();
        var quiet = Stopwatch.StartNew();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            var taken = await Broker.TakeDeadLettersAsync(UsageContract.DeadLetterQueueName, ct);
            letters.AddRange(taken);
            if (taken.Count > 0) quiet.Restart();
            if (letters.Count >= expected && quiet.Elapsed > TimeSpan.FromSeconds(3)) break;
            await Task.Delay(500, ct);
        }
        Context.Log($"  took {letters.Count} dead letters off {UsageContract.DeadLetterQueueName} (expected {expected})");
        return letters;
    }
}
