namespace TokenLedger.Faults.Harness;

/// <summary>Polls a service's /health/ready four times a second and records every change between ready and not ready.</summary>
public sealed class HealthWatcher : IAsyncDisposable
{
    private readonly HarnessContext _context;
    private readonly ServiceProcess _service;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<HealthTransition> _transitions = [];
    private readonly List<double> _unhealthyAnswers = [];
    private readonly Task _loop;

    public HealthWatcher(HarnessContext context, ServiceProcess service)
    {
        _context = context;
        _service = service;
        _loop = WatchAsync(_stop.Token);
    }

    public IReadOnlyList<HealthTransition> Transitions
    {
        get
        {
            lock (_transitions) return [.. _transitions];
        }
    }

    public bool? Ready
    {
        get
        {
            lock (_transitions) return _transitions.Count == 0 ? null : _transitions[^1].Ready;
        }
    }

    /// <summary>The longest a /health/ready answer took (or the probe timeout, when none came).</summary>
    public TimeSpan SlowestAnswer { get; private set; }

    /// <summary>True if /health/ready answered 503 "Unhealthy" after <paramref name="since"/> (harness seconds).</summary>
    public bool AnsweredUnhealthySince(double since)
    {
        lock (_transitions) return _unhealthyAnswers.Any(at => at >= since);
    }

    /// <summary>True once the service went not ready and later ready again, after <paramref name="since"/> (harness seconds).</summary>
    public bool WentDownAndUpSince(double since)
    {
        var after = Transitions.Where(t => t.At >= since).ToList();
        var down = after.FindIndex(t => !t.Ready);
        return down >= 0 && after.Skip(down + 1).Any(t => t.Ready);
    }

    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            while (Ready != true) await Task.Delay(100, limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"service {_service.Name} was not ready again within {timeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>e.g. "ready at 3.1s; 503 "Unhealthy" at 12.4s; ready at 19.9s (not ready for 7.5 s)".</summary>
    public string Describe(double since)
    {
        var parts = new List<string>();
        double? downAt = null;
        foreach (var t in Transitions.Where(t => t.At >= since))
        {
            if (!t.Ready)
            {
                downAt ??= t.At;
                parts.Add($"{t.Detail} at {t.At:F1}s");
            }
            else
            {
                parts.Add(downAt is { } d ? $"ready at {t.At:F1}s (not ready for {t.At - d:F1} s)" : $"ready at {t.At:F1}s");
                downAt = null;
            }
        }
        return parts.Count == 0 ? "no transition seen" : string.Join("; ", parts);
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        try
        {
            string? lastDetail = null;
            while (!ct.IsCancellationRequested)
            {
                var asked = System.Diagnostics.Stopwatch.StartNew();
                var at = _context.Now;
                var (ready, detail) = await _service.ReadyAsync(ct);
                if (asked.Elapsed > SlowestAnswer) SlowestAnswer = asked.Elapsed;
                if (detail == "503 \"Unhealthy\"")
                    lock (_transitions) _unhealthyAnswers.Add(at);
                if (Ready != ready)
                {
                    var transition = new HealthTransition(at, ready, ready ? "200 \"Healthy\"" : detail);
                    lock (_transitions) _transitions.Add(transition);
                    _context.Log($"  health of {_service.Name}: {(ready ? "ready" : "NOT ready")} ({transition.Detail})");
                }
                else if (!ready && detail != lastDetail)
                {
                    _context.Log($"  health of {_service.Name}: still not ready ({detail})");
                }
                lastDetail = detail;
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

public sealed record HealthTransition(double At, bool Ready, string Detail);
