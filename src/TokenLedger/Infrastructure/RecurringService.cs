using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TokenLedger.Infrastructure;

/// <summary>
/// Background work that runs one pass at start-up and then every <see cref="Interval"/>. A failed pass is logged and the
/// next tick tries again; a zero or negative interval turns the work off.
/// </summary>
public abstract class RecurringService(ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the work is, for the log ("Dunning run").</summary>
    protected abstract string WorkName { get; }

    protected abstract Task RunPassAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = Interval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "{Work} failed; trying again in {Interval}", WorkName, interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
