using System.Diagnostics;
using TokenLedger.Bench.Infrastructure;

namespace TokenLedger.Bench.Phases;

/// <summary>Counts the dead letters of a run: the service sends them just before it acks, so they may trail the totals a little.</summary>
public static class DeadLetters
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(15);

    public static async Task<long> WaitForAsync(Broker broker, long expected, CancellationToken ct)
    {
        var last = -1L;
        var lastChange = Stopwatch.StartNew();
        while (true)
        {
            long count = await broker.ReadyMessagesAsync(Queues.DeadLetter, ct);
            if (count >= expected)
            {
                // Anything else on its way (a valid item refused by mistake) shows up now.
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                return await broker.ReadyMessagesAsync(Queues.DeadLetter, ct);
            }
            if (count != last)
            {
                last = count;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > Quiet)
            {
                return count;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }
}
