using System.Diagnostics;

namespace TokenLedger.Bench.Infrastructure;

/// <summary>Releases work at a constant rate: each call returns how many units are due now, waiting until at least one is.</summary>
public sealed class Pacer(double perSecond)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _released;

    public TimeSpan Elapsed => _clock.Elapsed;

    public async ValueTask<long> NextAsync(CancellationToken ct)
    {
        while (true)
        {
            var due = (long)(_clock.Elapsed.TotalSeconds * perSecond) - _released;
            if (due > 0)
            {
                _released += due;
                return due;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(1000.0 / perSecond, 1, 20)), ct);
        }
    }
}
