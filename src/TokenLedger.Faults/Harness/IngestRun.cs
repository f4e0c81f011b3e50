using System.Diagnostics;
using TokenLedger.Contracts.Usage;
using TokenLedger.Faults.Workload;
using TokenLedger.Terminal;

namespace TokenLedger.Faults.Harness;

/// <summary>
/// Publishes a scenario's messages in the background and watches the ledger fill up: progress (bars on a terminal,
/// lines every few seconds otherwise), waiting for a share of the events to be recorded (to strike mid-ingest), and waiting for the end.
/// </summary>
public sealed class IngestRun : IAsyncDisposable
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(3);

    /// <summary>No progress for this long with an empty queue: nothing is left that could still be recorded.</summary>
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);
    private readonly HarnessContext _context;
    private readonly LedgerProbe _probe;
    private readonly BrokerAdmin _broker;
    private readonly ScenarioWorkload _workload;
    private readonly string _name;
    private readonly CancellationTokenSource _stop;
    private readonly Task _publishing;
    private readonly CancellationTokenSource _stopProgress;
    private readonly Task _progress;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _recorded;
    private QueueStats? _queue;

    public IngestRun(HarnessContext context, LedgerProbe probe, BrokerAdmin broker, ScenarioWorkload workload, string name,
        IReadOnlyList<OutgoingMessage> messages, double? eventsPerSecond, CancellationToken ct)
    {
        _context = context;
        _probe = probe;
        _broker = broker;
        _workload = workload;
        _name = name;
        Messages = messages;
        Publisher = new ReliablePublisher(context, name);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _publishing = Task.Run(() => Publisher.PublishAllAsync(messages, eventsPerSecond, _stop.Token), _stop.Token);
        _stopProgress = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _progress = ReportAsync(_stopProgress.Token);
    }

    public ReliablePublisher Publisher { get; }
    public IReadOnlyList<OutgoingMessage> Messages { get; }
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>Harness seconds when <see cref="WaitCompleteAsync"/> saw the ingest complete.</summary>
    public double? CompletedAt { get; private set; }
    public double Seconds => _watch.Elapsed.TotalSeconds;

    /// <summary>Events in confirmed messages, duplicates and re-sends included.</summary>
    public long EventsPublished => Publisher.EventsConfirmed;

    public async Task<long> RefreshAsync(CancellationToken ct)
    {
        var recorded = await _probe.CountFactsAsync(_workload.Tenants, ct);
        Interlocked.Exchange(ref _recorded, recorded);
        return recorded;
    }

    /// <summary>Waits until at least <paramref name="events"/> of the scenario's events are in usage_facts.</summary>
    public async Task<long> WaitRecordedAsync(long events, CancellationToken ct)
    {
        var last = -1L;
        var lastChange = Stopwatch.StartNew();
        while (true)
        {
            var recorded = await RefreshAsync(ct);
            if (recorded >= events) return recorded;
            if (recorded != last)
            {
                last = recorded;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > StallLimit)
            {
                throw new TimeoutException($"{_name}: recorded stuck at {recorded} of {events} for {StallLimit.TotalMinutes} minutes");
            }
            if (_publishing.IsFaulted) await _publishing;
            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// Waits until everything is published and confirmed, every expected event is recorded and the usage queue is
    /// empty (nothing ready, nothing unacknowledged), or until nothing has moved for a few minutes. Returns false then.
    /// </summary>
    public async Task<bool> WaitCompleteAsync(CancellationToken ct)
    {
        await _publishing;
        _context.Log($"  [{_name}] all {Messages.Count} messages published and confirmed " +
                     $"({Publisher.EventsConfirmed} events, {Publisher.MessagesResent} messages re-sent) after {Seconds:F1} s");
        var lastChange = Stopwatch.StartNew();
        var lastState = "";
        var emptyPolls = 0;
        while (true)
        {
            var recorded = await RefreshAsync(ct);
            var queue = _queue = await _broker.StatsAsync(UsageContract.QueueName, ct);
            emptyPolls = recorded >= _workload.UniqueExpected && queue is { Messages: 0 } ? emptyPolls + 1 : 0;
            if (emptyPolls >= 3)
            {
                CompletedAt = _context.Now;
                await _stopProgress.CancelAsync();
                return true;
            }
            var state = $"{recorded}/{queue?.Messages}";
            if (state != lastState)
            {
                lastState = state;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > StallLimit || (queue is { Messages: 0 } && lastChange.Elapsed > IdleLimit))
            {
                _context.Log($"  [{_name}] NO PROGRESS for {lastChange.Elapsed.TotalSeconds:F0} s: recorded {recorded} of {_workload.UniqueExpected}, " +
                             $"queue {queue}{(queue is { Messages: 0 } ? " (nothing left to deliver)" : "")}");
                await _stopProgress.CancelAsync();
                return false;
            }
            await Task.Delay(700, ct);
        }
    }

    /// <summary>
    /// Messages confirmed and events recorded as they go, with counts and rates: live bars on a terminal, a plain line
    /// every few seconds otherwise (TokenLedger.Terminal's <see cref="Live"/>).
    /// </summary>
    private Task ReportAsync(CancellationToken ct) => Live.ProgressAsync(async progress =>
    {
        var published = progress.AddTask($"  [{_name}] messages published and confirmed", Messages.Count);
        var recorded = progress.AddTask($"  [{_name}] events recorded", Math.Max(1, _workload.UniqueExpected));
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(Live.Interactive ? 500 : 1000, ct);
                _queue = await _broker.StatsAsync(UsageContract.QueueName, ct) ?? _queue;
                await RefreshAsync(ct);
                published.Value = Publisher.MessagesConfirmed;
                recorded.Value = Recorded;
                recorded.Description = $"  [{_name}] events recorded (queue {(_queue is null ? "?" : _queue.ToString())})";
            }
        }
        catch (OperationCanceledException)
        {
        }
    }, _context.Log);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _publishing;
        }
        catch (Exception)
        {
            // Cancelled, or already reported by WaitCompleteAsync.
        }
        await _progress;
        await Publisher.DisposeAsync();
        _stopProgress.Dispose();
        _stop.Dispose();
    }
}
