namespace TokenLedger.Faults.Harness;

/// <summary>
/// Asks a server whether it serves (a new connection and a trivial request) four times a second, and records when it
/// stopped serving and when it served again: the outage as clients see it, whatever the restart script prints.
/// </summary>
public sealed class ServerWatcher : IAsyncDisposable
{
    private readonly HarnessContext _context;
    private readonly Func<CancellationToken, Task<bool>> _serves;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ServerWatcher(HarnessContext context, Func<CancellationToken, Task<bool>> serves)
    {
        _context = context;
        _serves = serves;
        _loop = WatchAsync(_stop.Token);
    }

    /// <summary>Harness seconds of the first failed probe.</summary>
    public double? DownAt { get; private set; }

    /// <summary>Harness seconds of the first successful probe after <see cref="DownAt"/>.</summary>
    public double? UpAt { get; private set; }

    public async Task WaitUpAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            while (UpAt is null) await Task.Delay(100, limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the server did not serve again within {timeout.TotalSeconds:F0} s");
        }
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested && UpAt is null)
            {
                var at = _context.Now;
                var serves = await _serves(ct);
                if (!serves && DownAt is null) DownAt = at;
                if (serves && DownAt is not null) UpAt = at;
                await Task.Delay(250, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
